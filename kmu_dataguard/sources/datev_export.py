"""A parsed DATEV Debitoren/Kreditoren export and the canonical tables made from it.

:func:`~kmu_dataguard.sources.datev.read_datev` builds a :class:`DatevExport`; the layout of
the file and the field positions are in that module's doc. Debtors and creditors share one
file and are told apart by account range (:func:`account_ranges`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from kmu_dataguard.entities import PARTNER_COLUMNS
from kmu_dataguard.errors import SourceError

__all__ = ["DATEV_FIELDS", "DatevExport", "DatevMeta", "account_ranges", "payment_block"]

# Positions (1-based) of the fields the reader uses, with the title variants seen in the wild.
# Variants are compared after datev._norm_title (case, spaces, punctuation, "Adressattyp" typo
# ignored).
DATEV_FIELDS: dict[int, tuple[str, ...]] = {
    1: ("Konto",),
    2: ("Name (Adressatentyp Unternehmen)",),
    3: ("Unternehmensgegenstand",),
    4: ("Name (Adressatentyp natürl. Person)",),
    5: ("Vorname (Adressatentyp natürl. Person)",),
    6: ("Name (Adressatentyp keine Angabe)",),
    7: ("Adressatentyp",),
    8: ("Kurzbezeichnung",),
    9: ("EU-Land", "EU-Mitgliedstaat"),
    10: ("EU-UStID", "EU-USt-IdNr.", "EU-USt-ID"),
    11: ("Anrede",),
    16: ("Straße", "Strasse"),
    17: ("Postfach",),
    18: ("Postleitzahl", "PLZ"),
    19: ("Ort",),
    20: ("Land",),
    29: ("Telefon",),
    33: ("E-Mail", "Email"),
    41: ("Bankleitzahl 1",),
    42: ("Bankbezeichnung 1",),
    43: ("Bank-Kontonummer 1", "Bankkonto-Nummer 1", "Bankkontonummer 1"),
    44: ("Länderkennzeichen 1",),
    45: ("IBAN-Nr. 1", "IBAN 1", "IBAN-Nr 1"),
    47: ("SWIFT-Code 1", "SWIFT Code 1", "BIC 1"),
    99: ("Kundennummer",),
    100: ("Steuernummer",),
    110: ("Fälligkeit in Tagen (Debitor)",),
    112: ("Kreditoren-Ziel 1 (Tage)",),
    235: ("Zahlungssperre bis",),
    245: ("Status",),
}

_ENTITIES = {"customers": ("customer_id", "debtor"), "suppliers": ("supplier_id", "creditor")}
# DATEV keeps no currency per partner; the rest of the canonical partner fields it holds.
_PARTNER_COLUMNS = tuple(c for c in PARTNER_COLUMNS if c != "currency")


def payment_block(value: str | None, today: dt.date) -> str:
    """``blocked`` from "Zahlungssperre bis" (DDMMYYYY): ``true`` while that day has not passed.

    A value that is no such date is passed through as written, so a rule on ``blocked`` sees
    it rather than a guess.
    """
    if value is None or not value.strip():
        return "false"
    try:
        until = dt.datetime.strptime(value.strip(), "%d%m%Y").date()
    except ValueError:
        return value
    return "true" if until >= today else "false"


def account_ranges(account_length: int) -> tuple[range, range]:
    """Return (debtor range, creditor range) for G/L account length ``account_length``."""
    base = 10**account_length
    return range(base, 7 * base), range(7 * base, 10 * base)


@dataclass(frozen=True)
class DatevMeta:
    """The metadata header (line 1) of a DATEV export."""

    format_flag: str  # "EXTF" (written by third-party software) or "DTVF" (written by DATEV)
    version: str  # header version, e.g. "700"
    category: int  # 16 = Debitoren/Kreditoren
    format_name: str
    format_version: str
    created: dt.datetime | None
    consultant: str | None  # Beraternummer
    client: str | None  # Mandantennummer
    fiscal_year_start: dt.date | None
    account_length: int  # Sachkontenlänge (4 when the header leaves it empty)


@dataclass
class DatevExport:
    """A parsed DATEV Debitoren/Kreditoren file; :meth:`table` gives canonical tables."""

    path: Path
    meta: DatevMeta
    titles: list[str]
    records: list[tuple[int, list[str | None]]]  # (physical line, fields by position - 1)
    warnings: list[str] = field(default_factory=list)

    def _field(self, values: list[str | None], position: int) -> str | None:
        return values[position - 1] if position <= len(values) else None

    def _name(self, v: list[str | None]) -> str | None:
        company, person_last = self._field(v, 2), self._field(v, 4)
        person_first, unspecified = self._field(v, 5), self._field(v, 6)
        person = " ".join(p for p in (person_first, person_last) if p) or None
        kind = self._field(v, 7)
        if kind == "1":
            return person or company or unspecified
        if kind == "0":
            return unspecified or company or person
        return company or person or unspecified

    def _vat_id(self, v: list[str | None]) -> str | None:
        country, number = self._field(v, 9), self._field(v, 10)
        if not number:
            return None
        number = number.replace(" ", "")
        if country and not number.upper().startswith(country.upper()):
            return f"{country}{number}"
        return number

    def _kind(self, account: str | None) -> str | None:
        if not account or not account.isdigit():
            return None
        debtors, creditors = account_ranges(self.meta.account_length)
        number = int(account)
        if number in debtors:
            return "debtor"
        if number in creditors:
            return "creditor"
        return None

    def unassigned(self) -> list[tuple[int, str | None]]:
        """(line, account) of records that are neither in the debtor nor the creditor range."""
        return [
            (line, self._field(v, 1))
            for line, v in self.records
            if self._kind(self._field(v, 1)) is None
        ]

    def table(self, entity: str) -> pd.DataFrame:
        """Canonical table for ``"customers"`` (debtors) or ``"suppliers"`` (creditors).

        Columns: <customer_id|supplier_id> (= Konto), name, street, postal_code, city, country,
        vat_id (EU-Land + EU-UStID), tax_number, email, phone, iban, bic, payment_terms_days,
        blocked (from "Zahlungssperre bis": :func:`payment_block`), then the pass-through
        columns ``datev_kundennummer``, ``datev_kurzbezeichnung``,
        ``datev_status`` and ``source_line`` (the line of the record in the file).
        """
        if entity not in _ENTITIES:
            raise SourceError(
                f"{self.path}: a DATEV Debitoren/Kreditoren file holds 'customers' and "
                f"'suppliers', not {entity!r}"
            )
        key, kind = _ENTITIES[entity]
        terms_position = 110 if kind == "debtor" else 112
        today = dt.date.today()
        rows = []
        for line, v in self.records:
            account = self._field(v, 1)
            if self._kind(account) != kind:
                continue
            rows.append(
                {
                    key: account,
                    "name": self._name(v),
                    "street": self._field(v, 16),
                    "postal_code": self._field(v, 18),
                    "city": self._field(v, 19),
                    "country": self._field(v, 20),
                    "vat_id": self._vat_id(v),
                    "tax_number": self._field(v, 100),
                    "email": self._field(v, 33),
                    "phone": self._field(v, 29),
                    "iban": self._field(v, 45),
                    "bic": self._field(v, 47),
                    "payment_terms_days": self._field(v, terms_position),
                    "blocked": payment_block(self._field(v, 235), today),
                    "datev_kundennummer": self._field(v, 99),
                    "datev_kurzbezeichnung": self._field(v, 8),
                    "datev_status": self._field(v, 245),
                    "source_line": str(line),
                }
            )
        columns = [key, *_PARTNER_COLUMNS, "blocked", "datev_kundennummer", "datev_kurzbezeichnung"]
        columns += ["datev_status", "source_line"]
        df = pd.DataFrame(rows, columns=columns, dtype=object)
        df = df.where(df.notna(), None)
        df.attrs["source"] = str(self.path)
        # The field titles of DATEV's format description, as the steward sees them in DATEV.
        positions = {key: 1, "street": 16, "postal_code": 18, "city": 19, "country": 20}
        positions |= {"tax_number": 100}
        positions |= {"email": 33, "phone": 29, "iban": 45, "bic": 47}
        positions |= {"payment_terms_days": terms_position, "vat_id": 10, "blocked": 235}
        df.attrs["source_headers"] = {c: DATEV_FIELDS[p][0] for c, p in positions.items()}
        return df
