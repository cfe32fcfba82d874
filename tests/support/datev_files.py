"""Write DATEV EXTF files shaped like real exports, for tests."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from tests.support.datev_titles import TITLES


def datev_line(values: list[object]) -> str:
    """Serialise one DATEV line: text in double quotes, numbers bare, None empty."""
    out = []
    for v in values:
        if v is None:
            out.append("")
        elif isinstance(v, int):
            out.append(str(v))
        else:
            out.append('"' + str(v).replace('"', '""') + '"')
    return ";".join(out)


def datev_header(
    *,
    flag: str = "EXTF",
    category: int = 16,
    name: str = "Debitoren/Kreditoren",
    account_length: int | None = 4,
) -> list[object]:
    return [
        flag,
        700,
        category,
        name,
        5,
        20240115093012123,
        None,
        "RE",
        "sachbearb",
        None,
        29098,
        55003,
        20240101,
        account_length,
        None,
        None,
        "",
        "",
        None,
        None,
        None,
        "",
        None,
        "",
        None,
        None,
        "03",
        None,
        None,
        "",
        "",
    ]


def write_datev(
    path: Path,
    records: list[Mapping[int, object]],
    *,
    titles: list[str] | None = None,
    header: list[object] | None = None,
    encoding: str = "cp1252",
) -> Path:
    titles = list(TITLES if titles is None else titles)
    lines = [datev_line(header or datev_header()), ";".join(titles)]
    for rec in records:
        row: list[object] = [None] * len(titles)
        for pos, value in rec.items():
            row[pos - 1] = value
        lines.append(datev_line(row))
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path
