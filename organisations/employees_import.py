"""CSV import of employees with their PBX agent ids and teams: parse, check every row, and
import all rows in one transaction, or none while any row has an error.

The file is what Excel writes: UTF-8 with or without a byte order mark, Windows-1252 ("CSV
(gescheiden door lijstscheidingsteken)"), or UTF-16 ("Unicode-tekst"); separated by `,`, `;`
(Dutch Excel) or a tab. The first line names the columns.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils.translation import gettext as _

from organisations.models import Employee, Membership, Organisation, Team
from organisations.signals import people_changed

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
NAME_MAX = Employee._meta.get_field("name").max_length
AGENT_ID_MAX = Employee._meta.get_field("pbx_agent_id").max_length

# Column names as people type them, in English or Dutch; compared lower-case, without spaces,
# hyphens and underscores.
COLUMNS = {
    "name": {"name", "naam"},
    "agent_id": {"agentid", "pbxagentid", "agent"},
    "team": {"team"},
    "username": {"username", "user", "gebruikersnaam", "gebruiker"},
}
REQUIRED = ("name", "agent_id")
# Valid UTF-8 multi-byte sequences in a file that is not valid UTF-8 as a whole: parts were
# saved in two encodings (the names would be garbled whichever we chose).
_UTF8_SEQUENCE = re.compile(rb"[\xc3-\xc5][\x80-\xbf]|\xe2\x80[\x90-\xbf]")


class ImportFileError(Exception):
    """The file as a whole cannot be read; the message says why and what to do."""


@dataclass
class Row:
    line: int
    name: str
    agent_id: str
    team_name: str
    username: str
    team: Team | None = None
    user: AbstractBaseUser | None = None
    errors: list[str] = field(default_factory=list)


@dataclass
class Preview:
    rows: list[Row]
    text: str  # the decoded file, carried to the confirmation step and checked again

    @property
    def error_count(self) -> int:
        return sum(1 for row in self.rows if row.errors)

    @property
    def valid(self) -> bool:
        return bool(self.rows) and not self.error_count


def decode(data: bytes) -> str:
    if len(data) > MAX_BYTES:
        raise ImportFileError(_("The file is larger than 2 MB."))
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise ImportFileError(_("The file is not valid UTF-16 text.")) from None
    if b"\x00" in data:
        raise ImportFileError(
            _("This is not a text file. In Excel, save it as CSV (UTF-8) and upload that.")
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    if _UTF8_SEQUENCE.search(data):
        raise ImportFileError(
            _(
                "The file mixes two character encodings (UTF-8 and Windows-1252), so names "
                "would be garbled. Save it again from Excel as CSV (UTF-8) and upload that."
            )
        )
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        raise ImportFileError(
            _("The file's encoding is not UTF-8 or Windows-1252. Save it as CSV (UTF-8).")
        ) from None


def _separator(header: str) -> str:
    counts = {sep: header.count(sep) for sep in (";", ",", "\t")}
    return max(counts, key=lambda sep: counts[sep])


def _column_key(heading: str) -> str | None:
    normal = re.sub(r"[\s_\-]", "", heading.strip().lower())
    for key, names in COLUMNS.items():
        if normal in names:
            return key
    return None


def _read(text: str) -> list[tuple[int, dict[str, str]]]:
    lines = text.splitlines()
    first = next((line for line in lines if line.strip()), None)
    if first is None:
        raise ImportFileError(_("The file is empty."))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_separator(first))
    header = next(reader)
    keys = [_column_key(heading) for heading in header]
    missing = [key for key in REQUIRED if key not in keys]
    if missing:
        raise ImportFileError(
            _(
                "The first line must name the columns; missing: %(missing)s. Expected columns: "
                "name, agent_id, team, username."
            )
            % {"missing": ", ".join(missing)}
        )
    unknown = [heading for heading, key in zip(header, keys, strict=True) if key is None]
    if unknown:
        raise ImportFileError(
            _("Unknown columns: %(columns)s. Expected columns: name, agent_id, team, username.")
            % {"columns": ", ".join(unknown)}
        )
    records = []
    for values in reader:
        if not any(value.strip() for value in values):
            continue
        if len(records) >= MAX_ROWS:
            raise ImportFileError(
                _("The file has more than %(max)d rows; split it.") % {"max": MAX_ROWS}
            )
        record = dict.fromkeys(COLUMNS, "")
        if len(values) > len(keys):
            record["_extra"] = "1"
        for key, value in zip(keys, values, strict=False):
            record[key] = value.strip()
        records.append((reader.line_num, record))
    return records


def preview(*, organisation: Organisation, data: bytes | None = None, text: str = "") -> Preview:
    """Every row of the file with its errors. Raises ImportFileError for an unreadable file."""
    if data is not None:
        text = decode(data)
    try:
        records = _read(text)
    except csv.Error as exc:
        message = _("The file is not a readable CSV: %(error)s") % {"error": exc}
        raise ImportFileError(message) from None
    if not records:
        raise ImportFileError(_("The file names its columns but has no employees."))
    teams = {team.name.strip().lower(): team for team in organisation.teams.all()}
    members = {
        m.user.get_username().lower(): m.user
        for m in Membership.objects.filter(organisation=organisation, active=True).select_related(
            "user"
        )
    }
    taken_ids = set(
        Employee.objects.filter(organisation=organisation, active=True)
        .exclude(pbx_agent_id="")
        .values_list("pbx_agent_id", flat=True)
    )
    linked_users = set(
        Employee.objects.filter(organisation=organisation, user__isnull=False).values_list(
            "user_id", flat=True
        )
    )
    rows: list[Row] = []
    first_line_of_id: dict[str, int] = {}
    first_line_of_user: dict[str, int] = {}
    for line, record in records:
        row = Row(
            line=line,
            name=record["name"],
            agent_id=record["agent_id"],
            team_name=record["team"],
            username=record["username"],
        )
        if record.get("_extra"):
            row.errors.append(_("This row has more values than the first line has columns."))
        if not row.name:
            row.errors.append(_("The name is empty."))
        elif len(row.name) > NAME_MAX:
            row.errors.append(_("The name is longer than %(max)d characters.") % {"max": NAME_MAX})
        if not row.agent_id:
            row.errors.append(_("The agent id is empty."))
        elif len(row.agent_id) > AGENT_ID_MAX:
            row.errors.append(
                _("The agent id is longer than %(max)d characters.") % {"max": AGENT_ID_MAX}
            )
        elif row.agent_id in first_line_of_id:
            row.errors.append(
                _("Agent id %(id)s is also on line %(line)d of this file.")
                % {"id": row.agent_id, "line": first_line_of_id[row.agent_id]}
            )
        elif row.agent_id in taken_ids:
            row.errors.append(
                _("Agent id %(id)s already belongs to an active employee of this organisation.")
                % {"id": row.agent_id}
            )
        if row.agent_id:
            first_line_of_id.setdefault(row.agent_id, line)
        if row.team_name:
            row.team = teams.get(row.team_name.lower())
            if row.team is None:
                row.errors.append(
                    _("There is no team named %(team)s; create it first.") % {"team": row.team_name}
                )
        if row.username:
            key = row.username.lower()
            row.user = members.get(key)
            if row.user is None:
                row.errors.append(
                    _("%(user)s is not an active member of this organisation.")
                    % {"user": row.username}
                )
            elif key in first_line_of_user:
                row.errors.append(
                    _("%(user)s is also on line %(line)d of this file.")
                    % {"user": row.username, "line": first_line_of_user[key]}
                )
            elif row.user.pk in linked_users:
                row.errors.append(
                    _("%(user)s is already linked to an employee.") % {"user": row.username}
                )
            first_line_of_user.setdefault(key, line)
        rows.append(row)
    return Preview(rows=rows, text=text)


def employees_import(
    *, organisation: Organisation, text: str, actor: AbstractBaseUser | None
) -> Preview:
    """Import every row, or nothing: the rows are checked again inside the transaction."""
    with transaction.atomic():
        # One import at a time per organisation, so two cannot both pass the duplicate check.
        Organisation.objects.select_for_update().get(pk=organisation.pk)
        result = preview(organisation=organisation, text=text)
        if not result.valid:
            return result
        employees = Employee.objects.bulk_create(
            [
                Employee(
                    organisation=organisation,
                    name=row.name,
                    pbx_agent_id=row.agent_id,
                    team=row.team,
                    user=row.user,
                )
                for row in result.rows
            ]
        )
        people_changed.send(
            Organisation,
            organisation=organisation,
            actor=actor,
            action="organisations.employees.imported",
            target=organisation,
            detail={"count": len(employees), "employee_ids": [e.pk for e in employees]},
        )
    return result
