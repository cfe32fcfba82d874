"""The 254 column titles of a DATEV Debitoren/Kreditoren file (format version 5), in order.

Order as in the DATEV format description and the open-source writer ledermann/datev
(lib/datev/base/contact.rb); fields 244-254 from later format revisions. Used to build fixtures.
"""

from __future__ import annotations


def _bank(n: int) -> list[str]:
    return [
        f"Bankleitzahl {n}",
        f"Bankbezeichnung {n}",
        f"Bank-Kontonummer {n}",
        f"Länderkennzeichen {n}",
        f"IBAN-Nr. {n}",
        "Leerfeld",
        f"SWIFT-Code {n}",
        f"Abw. Kontoinhaber {n}",
        f"Kennz. Hauptbankverb. {n}",
        f"Bankverb. {n} Gültig von",
        f"Bankverb. {n} Gültig bis",
    ]


TITLES: list[str] = [
    "Konto",
    "Name (Adressatentyp Unternehmen)",
    "Unternehmensgegenstand",
    "Name (Adressatentyp natürl. Person)",
    "Vorname (Adressatentyp natürl. Person)",
    "Name (Adressatentyp keine Angabe)",
    "Adressatentyp",
    "Kurzbezeichnung",
    "EU-Land",
    "EU-UStID",
    "Anrede",
    "Titel/Akad. Grad",
    "Adelstitel",
    "Namensvorsatz",
    "Adressart",
    "Straße",
    "Postfach",
    "Postleitzahl",
    "Ort",
    "Land",
    "Versandzusatz",
    "Adresszusatz",
    "Abweichende Anrede",
    "Abw. Zustellbezeichnung 1",
    "Abw. Zustellbezeichnung 2",
    "Kennz. Korrespondenzadresse",
    "Adresse Gültig von",
    "Adresse Gültig bis",
    "Telefon",
    "Bemerkung (Telefon)",
    "Telefon Geschäftsleitung",
    "Bemerkung (Telefon GL)",
    "E-Mail",
    "Bemerkung (E-Mail)",
    "Internet",
    "Bemerkung (Internet)",
    "Fax",
    "Bemerkung (Fax)",
    "Sonstige",
    "Bemerkung (Sonstige)",
]
for _n in range(1, 6):
    TITLES += _bank(_n)
TITLES += [
    "Leerfeld",
    "Briefanrede",
    "Grußformel",
    "Kundennummer",
    "Steuernummer",
    "Sprache",
    "Ansprechpartner",
    "Vertreter",
    "Sachbearbeiter",
    "Diverse-Konto",
    "Ausgabeziel",
    "Währungssteuerung",
    "Kreditlimit (Debitor)",
    "Zahlungsbedingung",
    "Fälligkeit in Tagen (Debitor)",
    "Skonto in Prozent (Debitor)",
    "Kreditoren-Ziel 1 (Tage)",
    "Kreditoren-Skonto 1 (%)",
    "Kreditoren-Ziel 2 (Tage)",
    "Kreditoren-Skonto 2 (%)",
    "Kreditoren-Ziel 3 Brutto (Tage)",
    "Kreditoren-Ziel 4 (Tage)",
    "Kreditoren-Skonto 4 (%)",
    "Kreditoren-Ziel 5 (Tage)",
    "Kreditoren-Skonto 5 (%)",
    "Mahnung",
    "Kontoauszug",
    "Mahntext 1",
    "Mahntext 2",
    "Mahntext 3",
    "Kontoauszugstext",
    "Mahnlimit Betrag",
    "Mahnlimit %",
    "Zinsberechnung",
    "Mahnzinssatz 1",
    "Mahnzinssatz 2",
    "Mahnzinssatz 3",
    "Lastschrift",
    "Leerfeld",
    "Mandantenbank",
    "Zahlungsträger",
]
TITLES += [f"Indiv. Feld {_n}" for _n in range(1, 16)]
TITLES += [
    f"{t} (Rechnungsadresse)"
    for t in (
        "Abweichende Anrede",
        "Adressart",
        "Straße",
        "Postfach",
        "Postleitzahl",
        "Ort",
        "Land",
        "Versandzusatz",
        "Adresszusatz",
        "Abw. Zustellbezeichnung 1",
        "Abw. Zustellbezeichnung 2",
        "Adresse Gültig von",
        "Adresse Gültig bis",
    )
]
for _n in range(6, 11):
    TITLES += _bank(_n)
TITLES += ["Nummer Fremdsystem", "Insolvent"]
TITLES += [f"SEPA-Mandatsreferenz {_n}" for _n in range(1, 11)]
TITLES += [
    "Verknüpftes OPOS-Konto",
    "Mahnsperre bis",
    "Lastschriftsperre bis",
    "Zahlungssperre bis",
    "Gebührenberechnung",
    "Mahngebühr 1",
    "Mahngebühr 2",
    "Mahngebühr 3",
    "Pauschalberechnung",
    "Verzugspauschale 1",
    "Verzugspauschale 2",
    "Verzugspauschale 3",
    "Alternativer Suchname",
    "Status",
    "Anschrift manuell geändert (Korrespondenzadresse)",
    "Anschrift individuell (Korrespondenzadresse)",
    "Anschrift manuell geändert (Rechnungsadresse)",
    "Anschrift individuell (Rechnungsadresse)",
    "Fristberechnung bei Debitor",
    "Mahnfrist 1",
    "Mahnfrist 2",
    "Mahnfrist 3",
    "Letzte Frist",
]
assert len(TITLES) == 254, len(TITLES)
assert TITLES[44] == "IBAN-Nr. 1" and TITLES[46] == "SWIFT-Code 1" and TITLES[99] == "Steuernummer"
assert TITLES[109] == "Fälligkeit in Tagen (Debitor)" and TITLES[244] == "Status"
