"""One delimited record cut into its raw fields, so that one field can be replaced in place.

Every other field keeps its bytes (its quotes, its spacing); the replaced field is quoted when
it was quoted before or when the dialect needs it (a delimiter, a quote or a line break in the
value). A record the cutter does not read exactly as the ``csv`` module does is never changed.
"""

from __future__ import annotations

import csv
import io

__all__ = ["cut_fields", "field_value", "quoted", "replace_fields"]

_ENDINGS = ("\r\n", "\n", "\r")


def cut_fields(text: str, delimiter: str) -> list[str] | None:
    """The raw fields of ``text`` (a record without its line ending), or None when its quoting
    is not the plain CSV dialect the cutter knows."""
    fields: list[str] = []
    i, n = 0, len(text)
    while True:
        if i < n and text[i] == '"':
            j = i + 1
            while True:
                k = text.find('"', j)
                if k < 0:
                    return None
                if k + 1 < n and text[k + 1] == '"':
                    j = k + 2
                    continue
                break
            end = k + 1
            if end < n and text[end] != delimiter:
                return None  # text after a closing quote: the csv module would join it
        else:
            k = text.find(delimiter, i)
            end = n if k < 0 else k
        fields.append(text[i:end])
        if end >= n:
            return fields
        i = end + 1
        if i == n:
            fields.append("")
            return fields


def field_value(raw: str) -> str:
    """The value of a raw field: quotes removed, doubled quotes single."""
    if len(raw) >= 2 and raw.startswith('"') and raw.endswith('"'):
        return raw[1:-1].replace('""', '"')
    return raw


def quoted(value: str, delimiter: str, *, was_quoted: bool) -> str:
    """``value`` as a raw field: quoted like the field it replaces, or where it must be."""
    if was_quoted or any(c in value for c in (delimiter, '"', "\r", "\n")):
        return '"' + value.replace('"', '""') + '"'
    return value


def replace_fields(text: str, delimiter: str, new: dict[int, tuple[str, str]]) -> str | None:
    """``text`` (a record with its line ending) with field ``i`` changed from ``old`` to the
    new value for each ``i: (old, new)``; None when a field is not found as ``old``."""
    ending = next((e for e in _ENDINGS if text.endswith(e)), "")
    body = text[: len(text) - len(ending)]
    fields = cut_fields(body, delimiter)
    if fields is None:
        return None
    values = [field_value(f) for f in fields]
    expected = next(csv.reader(io.StringIO(body, newline=""), delimiter=delimiter), [])
    if values != expected:
        return None  # the cutter and the csv module disagree: leave the record as it is
    for i, (old, value) in new.items():
        if i >= len(fields) or values[i] != old:
            return None
        fields[i] = quoted(value, delimiter, was_quoted=fields[i].startswith('"'))
    return delimiter.join(fields) + ending
