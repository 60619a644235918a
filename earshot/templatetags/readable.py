"""Filters that put technical values into words a person reads, in the page's language:
`{{ seconds|duration }}` ("1 min 05 s") and `{{ recording|audio_words }}` ("WAV · mono · 8 kHz")."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def duration(seconds: Any) -> str:
    """45 s, 1 min 05 s, 1 h 02 min: a call's length as people say it."""
    try:
        total = round(float(seconds))
    except (TypeError, ValueError):
        return "—"
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return _("%(hours)d h %(minutes)02d min") % {"hours": hours, "minutes": minutes}
    if minutes:
        return _("%(minutes)d min %(seconds)02d s") % {"minutes": minutes, "seconds": secs}
    return _("%(seconds)d s") % {"seconds": secs}


@register.filter
def audio_words(recording: Any) -> str:
    """The file format, mono or stereo and the sample rate, without codec names."""
    channels = getattr(recording, "channels", 0)
    parts = [(getattr(recording, "container", "") or "").upper()]
    if channels == 1:
        parts.append(_("mono"))
    elif channels == 2:
        parts.append(_("stereo"))
    elif channels:
        parts.append(_("%(count)d tracks") % {"count": channels})
    rate = getattr(recording, "sample_rate", 0) or 0
    if rate:
        khz = rate / 1000
        shown = str(int(khz)) if khz == int(khz) else number_format(round(khz, 1), 1)
        parts.append(f"{shown} kHz")
    return " · ".join(part for part in parts if part)
