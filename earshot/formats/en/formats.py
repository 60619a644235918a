"""English pages as a Dutch user reads them: day-month-year and a 24-hour clock, not US formats
(Django's own English formats are American: "Dec. 5, 2026, 1:05 p.m.", "12/05/2026").
Dutch pages keep Django's Dutch formats. Date inputs read ISO first: `<input type=date>` sends
YYYY-MM-DD in every language."""

DATE_FORMAT = "j M Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j M Y, H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = "d-m-Y"
SHORT_DATETIME_FORMAT = "d-m-Y H:i"
FIRST_DAY_OF_WEEK = 1  # Monday

DATE_INPUT_FORMATS = [
    "%Y-%m-%d",  # 2026-12-05, what <input type=date> sends
    "%d-%m-%Y",  # 05-12-2026
    "%d-%m-%y",  # 05-12-26
    "%d %b %Y",  # 5 Dec 2026
    "%d %B %Y",  # 5 December 2026
]
TIME_INPUT_FORMATS = ["%H:%M:%S", "%H:%M:%S.%f", "%H:%M"]
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%dT%H:%M:%S",  # <input type=datetime-local>
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M:%S.%f",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d",
    "%d-%m-%Y %H:%M:%S",
    "%d-%m-%Y %H:%M",
    "%d-%m-%Y",
]
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
