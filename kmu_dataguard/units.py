"""Ages, shares and dates as people write them in dataguard.yml and on the command line.

``26h``, ``2d``, ``PT26H``; ``20 %``, ``0.2``; ``07.12.2026 05:00`` beside ISO 8601. Used by the
preconditions (max_age, max_row_drop), the history listing (``--since``) and the notification
reminders, so that every place reads them the same way.
"""

from __future__ import annotations

import re
from datetime import timedelta

__all__ = ["age_text", "iso_from_german", "parse_age", "parse_share", "share_text"]

_AGE_PART = re.compile(r"(\d+(?:\.\d+)?)\s*(w|d|h|m|s)", re.IGNORECASE)
_AGE_WHOLE = re.compile(r"^\s*(?:\d+(?:\.\d+)?\s*[wdhms]\s*)+$", re.IGNORECASE)
_ISO_AGE = re.compile(
    r"^P(?:(?P<d>\d+)D)?(?:T(?:(?P<h>\d+)H)?(?:(?P<m>\d+)M)?(?:(?P<s>\d+)S)?)?$", re.IGNORECASE
)
_UNIT_SECONDS = {"w": 604_800, "d": 86_400, "h": 3_600, "m": 60, "s": 1}
_PERCENT = re.compile(r"^\s*(\d+(?:[.,]\d+)?)\s*%\s*$")
_FRACTION = re.compile(r"^\s*(0(?:[.,]\d+)?|[.,]\d+)\s*$")
_GERMAN_DATE = re.compile(r"^\s*(\d{1,2})\.(\d{1,2})\.(\d{4})(?:[ ,T]+(.*))?$")


def parse_age(value: object) -> timedelta:
    """``26h``, ``2d``, ``90m``, ``1d12h``, ``1w`` or ISO 8601 ``PT26H`` as a timedelta.

    Raises ValueError with the accepted forms (pydantic turns it into a config error).
    """
    if isinstance(value, str):
        text = value.strip()
        iso = _ISO_AGE.match(text)
        if iso and any(iso.groups()):
            parts = {k: int(v) for k, v in iso.groupdict().items() if v}
            return timedelta(
                days=parts.get("d", 0),
                hours=parts.get("h", 0),
                minutes=parts.get("m", 0),
                seconds=parts.get("s", 0),
            )
        if _AGE_WHOLE.match(text):
            seconds = sum(float(n) * _UNIT_SECONDS[u.lower()] for n, u in _AGE_PART.findall(text))
            if seconds > 0:
                return timedelta(seconds=seconds)
    raise ValueError("not an age; write a number with a unit, e.g. 26h, 2d, 90m, 1d12h or 1w")


def parse_share(value: object) -> float:
    """``20 %``, ``20%``, ``12,5 %`` or a fraction ``0.2`` as a share from 0 to below 1.

    A bare number of 1 or more (``20``) is refused: it could mean 20 % or 20 records. Raises
    ValueError with the accepted forms (pydantic turns it into a config error).
    """
    share: float | None = None
    if isinstance(value, int | float) and not isinstance(value, bool):
        share = float(value)
    elif isinstance(value, str):
        percent = _PERCENT.match(value)
        fraction = _FRACTION.match(value)
        if percent:
            share = float(percent.group(1).replace(",", ".")) / 100
        elif fraction:
            share = float(fraction.group(1).replace(",", "."))
    if share is None or not 0 <= share < 1:
        raise ValueError(
            "not a share of the rows; write a percentage below 100, e.g. '20 %', or a "
            "fraction below 1, e.g. 0.2"
        )
    return share


def share_text(share: float) -> str:
    """``20 %``, ``12.5 %``: a share for messages."""
    return f"{share * 100:.1f}".removesuffix(".0") + " %"


def age_text(age: timedelta) -> str:
    """``30 h``, ``3 d 4 h``, ``45 min``: how old something is, for messages."""
    minutes = int(age.total_seconds() // 60)
    days, rest = divmod(minutes, 1440)
    hours, mins = divmod(rest, 60)
    if 0 < days < 3:  # "26 h" reads better than "1 d 2 h" for what people set as 26h
        days, hours = 0, hours + 24 * days
    if days:
        return f"{days} d {hours} h" if hours else f"{days} d"
    if hours:
        return f"{hours} h {mins} min" if mins else f"{hours} h"
    return f"{mins} min"


def iso_from_german(text: str) -> str:
    """``7.12.2026 05:00`` → ``2026-12-07 05:00``; other text unchanged."""
    match = _GERMAN_DATE.match(text)
    if not match:
        return text
    day, month, year, rest = match.groups()
    date = f"{year}-{int(month):02d}-{int(day):02d}"
    return f"{date} {rest.strip()}" if rest and rest.strip() else date
