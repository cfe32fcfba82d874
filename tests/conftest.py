from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pytest

from tests.datev_titles import TITLES


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


@pytest.fixture
def datev_records() -> list[dict[int, object]]:
    return [
        {  # debtor, company
            1: 10001,
            2: "Verwaltung NORDCAPITAL Schiffsportfolio 4 GmbH",
            7: "2",
            8: "NORDCAPITAL",
            9: "DE",
            10: "113866163",
            16: "Cremon 3",
            18: "20457",
            19: "Hamburg",
            20: "DE",
            29: "+49 40 123456",
            33: "info@nordcapital.example",
            45: "DE89370400440532013000",
            47: "AGBMDEMM",
            99: "K-000123",
            100: "22/815/08154",
            110: 30,
            245: 0,
        },
        {  # debtor, natural person, Saxon PLZ with leading zero
            1: 10002,
            4: "Weiß",
            5: "Jürgen",
            7: "1",
            16: "Fußweg 1",
            18: "01067",
            19: "Dresden",
            20: "DE",
        },
        {  # creditor
            1: 70001,
            2: "Schmidts Tivoli Gastspiel GmbH",
            7: "2",
            9: "DE",
            10: "DE231969187",
            16: "Spielbudenplatz 27-28",
            18: "20359",
            19: "Hamburg",
            20: "DE",
            112: 14,
        },
        {  # creditor, name "keine Angabe"
            1: 99999,
            6: "Müller & Söhne",
            7: "0",
            16: "Hauptstraße 5",
            18: "20354",
            19: "Hamburg",
            20: "DE",
        },
    ]
