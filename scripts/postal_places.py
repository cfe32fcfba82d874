"""Build ``expectations/codelists/postal_places.csv.gz`` from GeoNames postal-code files.

Source: the GeoNames postal code dump (https://download.geonames.org/export/zip/, ``DE.zip``,
``AT.zip``, ``CH.zip``; licence CC BY 4.0), either as GeoNames ships it (tab-separated
``DE.txt``: country, postal code, place name, admin names and codes, latitude, longitude,
accuracy) or as the CSV conversion of zauberware/postal-codes-json-xml-csv
(``data/DE/zipcodes.de.csv``: country_code, zipcode, place, ..., community, ...).

Kept per postal code: the place names, and the municipality where it names a place a steward
writes as the city (Austrian and Swiss municipalities; German independent cities such as
"Kreisfreie Stadt Dresden" or "Frankfurt am Main, Stadt", never a German district such as
"Landkreis München", which would let any town of the district pass as its seat).

    python scripts/postal_places.py DE.txt AT.txt CH.txt \
        --out expectations/codelists/postal_places.csv.gz

The output is deterministic (sorted, gzip without a timestamp), so a refresh shows as a diff
of the data only. Update ``expectations/codelists/README.md`` (date) when refreshing.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import re
import sys
from collections import defaultdict
from pathlib import Path

COUNTRIES = ("DE", "AT", "CH")
# German municipality-level names that are cities: prefix to drop / "Name, Stadt" forms.
_DE_CITY_PREFIXES = ("Kreisfreie Stadt ", "Stadtkreis ")
# GeoNames lists the addressees of German bulk-customer postal codes (companies) as places:
# no steward writes them as the city, so names with a legal form are left out (size only).
_COMPANY = re.compile(r"(\b(GmbH|mbH|AG|KG|OHG|SE|GbR)\b|\be\.\s?V\.|\bCo\.|&)")


def _rows(path: Path) -> list[tuple[str, str, str, str]]:
    """(country, postal code, place, municipality) of every line of a GeoNames file."""
    text = path.read_text(encoding="utf-8")
    first = text.split("\n", 1)[0]
    out = []
    if first.startswith("country_code,"):  # the zauberware CSV conversion
        for row in csv.DictReader(io.StringIO(text)):
            out.append((row["country_code"], row["zipcode"], row["place"], row["community"]))
    else:  # GeoNames' own tab-separated dump: admin name3 is column 8
        for line in text.splitlines():
            cells = line.split("\t")
            if len(cells) >= 8:
                out.append((cells[0], cells[1], cells[2], cells[7]))
    return out


def _municipality(country: str, name: str) -> str | None:
    name = name.strip()
    if not name:
        return None
    if country != "DE":
        return name.removeprefix("Gemeindebezirk ")
    for prefix in _DE_CITY_PREFIXES:
        if name.startswith(prefix):
            return name[len(prefix) :]
    if ", " in name:  # "Frankfurt am Main, Stadt", "Hamburg, Freie und Hansestadt"
        return name.split(", ", 1)[0]
    return None


def build(paths: list[Path]) -> bytes:
    places: dict[tuple[str, str], dict[str, None]] = defaultdict(dict)
    for path in paths:
        for country, code, place, municipality in _rows(path):
            country, code = country.strip(), code.strip()
            if country not in COUNTRIES or not code:
                continue
            names = places[(country, code)]
            for name in (place.strip(), _municipality(country, municipality)):
                if name and "|" not in name and not (country == "DE" and _COMPANY.search(name)):
                    names[name] = None
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(("country", "postal_code", "places"))
    for (country, code), names in sorted(places.items()):
        if not names:  # only company addressees: the code is left unknown, so not judged
            continue
        writer.writerow((country, code, "|".join(sorted(names))))
    raw = io.BytesIO()
    with gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, compresslevel=9) as handle:
        handle.write(buffer.getvalue().encode("utf-8"))
    return raw.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("files", nargs="+", type=Path, help="GeoNames DE/AT/CH files")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    data = build(args.files)
    args.out.write_bytes(data)
    print(f"{args.out}: {len(data)} bytes", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
