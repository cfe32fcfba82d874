"""Deterministic, labelled business-partner data for evaluating duplicate detection.

Every record carries ``entity_id``: records with the same entity id are the same partner.
Entities come from the German register extract in ``bench/data/register_companies.csv``
(OffeneRegister.de / OpenCorporates, see bench/data/README.md) and from word lists below.
Duplicates are written the way clerks write them: typos, Müller/Mueller/Muller, GmbH vs
Gesellschaft mit beschränkter Haftung, swapped words, Str./Straße, a PLZ that lost its leading
zero, identifiers missing or formatted differently. Hard negatives are different partners that
look alike: the same name in another city, Schmidt Elektro vs Schmitt Metall next door, the
Verwaltungs-GmbH of a GmbH & Co. KG at the same address, numbered fund companies, branches of
a chain, family companies in one building, clients of one tax advisor sharing its e-mail.

Run ``python bench/dedup_data.py`` to (re)write ``tests/data/dedup_eval.csv``.
"""

from __future__ import annotations

import csv
import random
import string
from collections.abc import Iterator
from pathlib import Path

HERE = Path(__file__).resolve().parent
REGISTER = HERE / "data" / "register_companies.csv"
EVAL_CSV = HERE.parent / "tests" / "data" / "dedup_eval.csv"
COLUMNS = [
    "partner_id",
    "entity_id",
    "name",
    "street",
    "postal_code",
    "city",
    "country",
    "vat_id",
    "iban",
    "email",
]

# (city, first PLZ, last PLZ, streets): real German PLZ ranges and real street names.
CITIES = [
    (
        "Berlin",
        10115,
        14199,
        ["Invalidenstraße", "Friedrichstraße", "Torstraße", "Karl-Marx-Allee"],
    ),
    ("Hamburg", 20095, 22769, ["Mönckebergstraße", "Steindamm", "Große Bleichen", "Neuer Wall"]),
    ("München", 80331, 81929, ["Sendlinger Straße", "Leopoldstraße", "Landsberger Straße"]),
    ("Köln", 50667, 51149, ["Hohe Straße", "Aachener Straße", "Venloer Straße", "Domstraße"]),
    ("Frankfurt am Main", 60306, 60599, ["Zeil", "Hanauer Landstraße", "Mainzer Landstraße"]),
    ("Stuttgart", 70173, 70629, ["Königstraße", "Rotebühlstraße", "Heilbronner Straße"]),
    ("Dresden", 1067, 1328, ["Wilsdruffer Straße", "Königsbrücker Straße", "Bautzner Straße"]),
    ("Leipzig", 4103, 4357, ["Grimmaische Straße", "Karl-Liebknecht-Straße", "Eisenbahnstraße"]),
    ("Nürnberg", 90402, 90491, ["Karolinenstraße", "Fürther Straße", "Äußere Sulzbacher Straße"]),
    ("Bremen", 28195, 28779, ["Obernstraße", "Am Wall", "Schwachhauser Heerstraße"]),
    ("Hannover", 30159, 30669, ["Georgstraße", "Podbielskistraße", "Vahrenwalder Straße"]),
    ("Dortmund", 44135, 44388, ["Westenhellweg", "Rheinlanddamm", "Brackeler Hellweg"]),
    ("Düsseldorf", 40210, 40629, ["Königsallee", "Kölner Straße", "Grafenberger Allee"]),
    ("Chemnitz", 9111, 9247, ["Straße der Nationen", "Zwickauer Straße", "Annaberger Straße"]),
    ("Erfurt", 99084, 99099, ["Anger", "Juri-Gagarin-Ring", "Magdeburger Allee"]),
    ("Freiburg im Breisgau", 79098, 79117, ["Kaiser-Joseph-Straße", "Habsburgerstraße"]),
    ("Bad Homburg vor der Höhe", 61348, 61352, ["Louisenstraße", "Frankfurter Landstraße"]),
    ("Münster", 48143, 48167, ["Prinzipalmarkt", "Weseler Straße", "Hammer Straße"]),
    ("Würzburg", 97070, 97084, ["Domstraße", "Semmelstraße", "Sanderstraße"]),
    ("Görlitz", 2826, 2829, ["Berliner Straße", "Jakobstraße", "Zittauer Straße"]),
]
SURNAMES = [
    "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz",
    "Hoffmann", "Schäfer", "Koch", "Bauer", "Richter", "Klein", "Wolf", "Schröder", "Neumann",
    "Schwarz", "Zimmermann", "Braun", "Krüger", "Hofmann", "Hartmann", "Lange", "Schmitt",
    "Werner", "Schmitz", "Krause", "Meier", "Lehmann", "Schmid", "Schulze", "Maier", "Köhler",
    "Herrmann", "König", "Walter", "Mayer", "Huber", "Kaiser", "Fuchs", "Peters", "Lang",
    "Scholz", "Möller", "Weiß", "Jung", "Hahn", "Schubert", "Vogel", "Friedrich", "Keller",
    "Günther", "Frank", "Berger", "Winkler", "Roth", "Beck", "Lorenz", "Baumann", "Franke",
    "Albrecht", "Schuster", "Simon", "Ludwig", "Böhm", "Winter", "Kraus", "Martin", "Schumacher",
    "Krämer", "Vogt", "Stein", "Jäger", "Otto", "Sommer", "Groß", "Seidel", "Heinrich", "Brandt",
    "Haas", "Schreiber", "Graf", "Schulte", "Dietrich", "Ziegler", "Kuhn", "Kühn", "Pohl",
    "Engel", "Horn", "Busch", "Bergmann", "Thomas", "Voigt", "Sauer", "Arnold", "Wolff", "Pfeiffer",
]  # fmt: skip
TRADES = [
    "Bau", "Elektro", "Elektrotechnik", "Metall", "Metallbau", "Haustechnik", "Sanitär",
    "Heizungsbau", "Logistik", "Spedition", "Transporte", "Maschinenbau", "Anlagenbau",
    "Bürobedarf", "Feinkost", "Gebäudereinigung", "Holzbau", "Zimmerei", "Dachdeckerei",
    "Druckerei", "Werkzeuge", "Landtechnik", "Autohaus", "Kfz-Service", "Malerbetrieb",
    "Fliesen", "Gartenbau", "Steuerberatung", "Immobilien", "Hausverwaltung", "Getränke",
    "Bäckerei", "Fleischerei", "Optik", "Medizintechnik", "Softwareentwicklung", "IT-Service",
    "Verpackungen", "Kunststofftechnik", "Stahlhandel",
]  # fmt: skip
FORMS = [
    "GmbH", "GmbH", "GmbH", "GmbH & Co. KG", "AG", "KG", "e.K.", "OHG",
    "UG (haftungsbeschränkt)", "",
]  # fmt: skip
# How clerks write the same legal form.
FORM_VARIANTS = {
    "GmbH": ["Gesellschaft mit beschränkter Haftung", "Gesellschaft mbH", "mbH", "G.m.b.H.", ""],
    "GmbH & Co. KG": ["GmbH u. Co. KG", "GmbH & Co KG", "GmbH und Co. KG", "GmbH&Co.KG"],
    "AG": ["Aktiengesellschaft", "A.G.", ""],
    "KG": ["Kommanditgesellschaft", ""],
    "e.K.": ["e. K.", "eK", "e.Kfm.", "Inh. e.K."],
    "OHG": ["oHG", "Offene Handelsgesellschaft"],
    "UG (haftungsbeschränkt)": ["UG", "UG haftungsbeschränkt", "UG (haftungsbeschraenkt)"],
    "": ["GmbH", ""],
}
CHAINS = [
    "Backhaus Lindner",
    "Getränkewelt Nord",
    "Fahrradkontor",
    "Reifen Express",
    "Optik Sommer",
]
ORDINALS = ["Erste", "Zweite", "Dritte", "Vierte", "Fünfte", "Sechste"]
ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII"]
# For the large timing set: more streets and names, so that unrelated partners do not collide
# at one address more often than in real data.
STREET_STEMS = [
    "Linden", "Birken", "Eichen", "Goethe", "Schiller", "Bahnhof", "Haupt", "Kirch", "Garten",
    "Berg", "Wald", "Mühlen", "Rosen", "Schul", "Industrie", "Gewerbe", "Post", "Markt", "Sonnen",
    "Tannen", "Ahorn", "Buchen", "Lessing", "Mozart", "Beethoven", "Friedhof", "Feld", "Wiesen",
    "Brunnen", "Schloss", "Burg", "Hafen", "Kanal", "Ring", "Dorf", "Anger", "Hohe", "Breite",
]  # fmt: skip
STREET_SUFFIXES = ["straße", "weg", "allee", "ring", "platz", "gasse", "damm", "str."]
FIRST_NAMES = ["Hans", "Peter", "Klaus", "Anna", "Maria", "Thomas", "Stefan", "Sabine", "Jens"]
FANTASY = ["Nova", "Tec", "Trans", "Pro", "Omni", "Vita", "Lux", "Terra", "Aqua", "Flex", "Sol"]
BANKS = ["37040044", "50010517", "10070000", "20050550", "70150000", "86055592"]


class Maker:
    """Identifiers and addresses that never collide between entities."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = set()

    def vat(self) -> str:
        from stdnum.iso7064 import mod_11_10

        while True:
            body = f"{self.rng.randrange(1, 10)}{self.rng.randrange(10**7):07d}"
            value = f"DE{body}{mod_11_10.calc_check_digit(body)}"
            if value not in self.used:
                self.used.add(value)
                return value

    def iban(self) -> str:
        from stdnum import iban

        while True:
            bban = self.rng.choice(BANKS) + f"{self.rng.randrange(10**9, 10**10):010d}"
            value = f"DE{iban.calc_check_digits('DE00' + bban)}{bban}"
            if value not in self.used:
                self.used.add(value)
                return value

    def domain(self, name: str) -> str:
        slug = _slug(name)
        candidate, n = slug, 2
        while candidate in self.used:
            candidate, n = f"{slug}{n}", n + 1
        self.used.add(candidate)
        return candidate + ".de"

    wide = False

    def mailbox(self, local: str, domain: str) -> str:
        n = 1
        while f"{local}{n}@{domain}.de" in self.used:
            n += 1
        self.used.add(f"{local}{n}@{domain}.de")
        return f"{local}{n}@{domain}.de"

    def place(self, cities: list = CITIES) -> tuple[str, str, str]:
        city, low, high, streets = self.rng.choice(cities)
        if self.wide:
            stem, suffix = self.rng.choice(STREET_STEMS), self.rng.choice(STREET_SUFFIXES)
            streets = [f"{stem}{suffix}" if suffix[0].islower() else f"{stem} {suffix}"]
        street = f"{self.rng.choice(streets)} {self.rng.randrange(1, 180)}"
        return street, f"{self.rng.randrange(low, high + 1):05d}", city


def _slug(name: str) -> str:
    table = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
    words = [w for w in name.lower().translate(table).split() if w.isalpha()]
    return "-".join(words[:2]) or "firma"


def _entity(mk: Maker, name: str, street: str, postal: str, city: str, **extra: str) -> dict:
    rng = mk.rng
    row = {
        "name": name,
        "street": street,
        "postal_code": postal,
        "city": city,
        "country": "DE",
        "vat_id": mk.vat() if rng.random() < 0.7 else "",
        "iban": mk.iban() if rng.random() < 0.6 else "",
        "email": (
            f"{rng.choice(['info', 'kontakt', 'buchhaltung', 'rechnung'])}@{mk.domain(name)}"
            if rng.random() < 0.75
            else ""
        ),
    }
    row.update(extra)
    return row


# --------------------------------------------------------------------------- variants


def _typo(rng: random.Random, text: str) -> str:
    letters = [i for i, c in enumerate(text) if c.isalpha()]
    if len(letters) < 4:
        return text
    i = rng.choice(letters[1:])
    kind = rng.randrange(4)
    if kind == 0:  # deletion
        return text[:i] + text[i + 1 :]
    if kind == 1:  # doubled letter
        return text[:i] + text[i] + text[i:]
    if kind == 2 and i + 1 < len(text) and text[i + 1].isalpha():  # swapped neighbours
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    return text[:i] + rng.choice(string.ascii_lowercase) + text[i + 1 :]


def _umlauts(rng: random.Random, text: str) -> str:
    if rng.random() < 0.6:
        table = {"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss"}
    else:
        table = {"ä": "a", "ö": "o", "ü": "u", "Ä": "A", "Ö": "O", "Ü": "U", "ß": "ss"}
    return text.translate(str.maketrans(table))


def _legal_form(rng: random.Random, name: str, form: str) -> str:
    base = name[: -len(form)].strip() if form and name.endswith(form) else name
    return f"{base} {rng.choice(FORM_VARIANTS.get(form, ['']))}".strip()


def _swap(rng: random.Random, name: str, form: str) -> str:
    base = name[: -len(form)].strip() if form and name.endswith(form) else name
    words = base.split()
    if len(words) < 2:
        return name
    words = words[1:] + words[:1]
    return f"{' '.join(words)} {form}".strip()


def _street_variant(rng: random.Random, street: str) -> str:
    out = street
    if "straße" in out:
        out = out.replace("straße", rng.choice(["str.", "strasse", "str", "Str."]))
    elif "Straße" in out:
        out = out.replace("Straße", rng.choice(["Str.", "Strasse", "str."]))
    elif rng.random() < 0.5:
        out = out.upper()
    if rng.random() < 0.3:
        out = out.replace(" ", "  ", 1)
    return out


ABBREVIATE = {
    "Elektrotechnik": "Elektrotechn.",
    "Maschinenbau": "Masch.-Bau",
    "Gebäudereinigung": "Geb.-Reinigung",
    "Hausverwaltung": "Hausverw.",
    "Steuerberatung": "StB",
    "Softwareentwicklung": "Software",
    "Transporte": "Transport",
    "Gebrüder": "Gebr.",
    "Spedition": "Spedition u. Logistik",
}


def duplicate_of(rng: random.Random, base: dict, form: str) -> dict:
    """Another record of the same partner, written by another clerk or imported from another
    system. About one in six carries a change no rule can see through (a word dropped, two
    typos, a wrong postal code), so recall below 1 is expected."""
    row = dict(base)
    name = row["name"]
    changes = rng.sample(
        ["typo", "umlaut", "form", "swap", "case", "street", "plz", "nostreet", "amp",
         "typo2", "abbr", "dropword", "city", "plztypo", "noplz"],
        k=rng.choice([1, 2, 2, 3]),
    )  # fmt: skip
    if "abbr" in changes:
        for long, short in ABBREVIATE.items():
            name = name.replace(long, short)
    if "dropword" in changes:  # "Gebrüder Müller Bau" → "Müller Bau", never the surname alone
        base = name[: -len(form)].strip() if form and name.endswith(form) else name
        words = base.split()
        if len(words) >= 3:
            del words[0 if words[0] in ("Gebrüder", *FIRST_NAMES) else len(words) - 1]
            name = f"{' '.join(words)} {form}".strip()
    if "city" in changes:
        town = row["city"].split()
        name = f"{name} {' '.join(town[:2] if town[0] == 'Bad' else town[:1])}"
    if "form" in changes:
        name = _legal_form(rng, name, form)
    if "swap" in changes:
        name = _swap(rng, name, form)
    if "umlaut" in changes:
        name = _umlauts(rng, name)
    if "typo" in changes:
        name = _typo(rng, name)
    if "typo2" in changes:
        name = _typo(rng, _typo(rng, name))
    if "case" in changes:
        name = name.upper()
    if "amp" in changes:
        name = name.replace(" & ", " und ").replace(" und ", " & ").replace("Gebrüder", "Gebr.")
    row["name"] = name
    if "street" in changes:
        row["street"] = _street_variant(rng, row["street"])
    if "plz" in changes and row["postal_code"].startswith("0"):
        row["postal_code"] = row["postal_code"][1:]  # opened in Excel
    if "nostreet" in changes:
        row["street"] = ""
    if "plztypo" in changes:
        digits = list(row["postal_code"])
        i = rng.randrange(1, len(digits))
        digits[i] = str((int(digits[i]) + rng.randrange(1, 9)) % 10)
        row["postal_code"] = "".join(digits)
    if "noplz" in changes:
        row["postal_code"] = ""
    # Identifiers: often missing in the second record, sometimes formatted differently.
    if row["vat_id"]:
        row["vat_id"] = rng.choice(
            ["", "", row["vat_id"], row["vat_id"].lower(), f"DE {row['vat_id'][2:]}"]
        )
    if row["iban"]:
        iban = row["iban"]
        row["iban"] = rng.choice(["", "", iban, " ".join(iban[i : i + 4] for i in range(0, 22, 4))])
    if row["email"]:
        row["email"] = rng.choice(["", row["email"], "mailto:" + row["email"].upper()])
    return row


# --------------------------------------------------------------------------- entities


def _register_entities(mk: Maker) -> Iterator[tuple[dict, str]]:
    with REGISTER.open(encoding="utf-8", newline="") as f:
        for rec in csv.DictReader(f):
            if not rec["postal_code"] or not rec["street"]:
                continue
            name = rec["name"]
            form = next(
                (f for f in sorted(FORM_VARIANTS, key=len, reverse=True) if f and name.endswith(f)),
                "",
            )
            yield _entity(mk, name, rec["street"], rec["postal_code"], rec["city"]), form


def _synthetic_name(rng: random.Random, wide: bool = False) -> tuple[str, str]:
    form = rng.choice(FORMS)
    pattern = rng.randrange(7 if wide else 5)
    surname, trade = rng.choice(SURNAMES), rng.choice(TRADES)
    if pattern == 5:
        base = f"{rng.choice(FIRST_NAMES)} {surname} {trade}"
    elif pattern == 6:
        base = f"{rng.choice(FANTASY)}{rng.choice(FANTASY).lower()} {trade}"
    elif pattern == 0:
        base = f"{trade} {surname}"
    elif pattern == 1:
        base = f"{surname} & {rng.choice(SURNAMES)} {trade}"
    elif pattern == 2:
        base = f"Gebrüder {surname} {trade}"
    else:
        base = f"{surname} {trade}"
    return f"{base} {form}".strip(), form


def make_partners(
    entities: int, *, seed: int = 7, dup_rate: float = 0.45, wide: bool = False
) -> list[dict]:
    """``entities`` partners (plus their duplicates and hard negatives), shuffled, labelled.

    ``wide`` draws streets and names from larger lists (for the 100 k timing set).
    """
    rng = random.Random(seed)
    mk = Maker(rng)
    mk.wide = wide
    groups: list[list[dict]] = []  # one list of records per entity
    forms: list[str] = []

    def add(base: dict, form: str) -> dict:
        groups.append([base])
        forms.append(form)
        return base

    register = list(_register_entities(mk))
    for base, form in register[: min(len(register), entities // 4)]:
        add(base, form)
    while len(groups) < entities:
        kind = rng.random()
        name, form = _synthetic_name(rng, wide)
        street, postal, city = mk.place()
        base = add(_entity(mk, name, street, postal, city), form)
        if kind < 0.08:  # same name, another city: another company
            other_street, other_postal, other_city = mk.place([c for c in CITIES if c[0] != city])
            add(_entity(mk, name, other_street, other_postal, other_city), form)
        elif kind < 0.14:  # similar-sounding name, other trade, same street
            surname = name.split()[0]
            other = rng.choice(
                [s for s in SURNAMES if s[:3] == surname[:3] and s != surname] or SURNAMES
            )
            other_name = f"{other} {rng.choice(TRADES)} {form}".strip()
            add(
                _entity(
                    mk,
                    other_name,
                    street.rsplit(" ", 1)[0] + f" {rng.randrange(1, 180)}",
                    postal,
                    city,
                ),
                form,
            )
        elif kind < 0.18:  # GmbH & Co. KG and its Verwaltungs-GmbH in one office
            base["name"] = name.replace(form, "").strip() + " GmbH & Co. KG"
            forms[-1] = "GmbH & Co. KG"
            add(
                _entity(
                    mk, name.replace(form, "").strip() + " Verwaltungs GmbH", street, postal, city
                ),
                "GmbH",
            )
        elif kind < 0.21:  # numbered fund / shelf companies at one address
            stem = rng.choice(["Grundbesitz", "Schiffsfonds", "Immobilienfonds", "Beteiligungs"])
            family = rng.choice(SURNAMES)
            numbering = rng.choice([ORDINALS, ROMAN])
            base["name"] = (
                f"{numbering[0]} {family} {stem} GmbH"
                if numbering is ORDINALS
                else f"{family} {stem} {numbering[0]} GmbH & Co. KG"
            )
            for label in numbering[1 : rng.randrange(3, 5)]:
                other = (
                    f"{label} {family} {stem} GmbH"
                    if numbering is ORDINALS
                    else f"{family} {stem} {label} GmbH & Co. KG"
                )
                add(_entity(mk, other, street, postal, city), "GmbH")
        elif kind < 0.24:  # family companies in one building
            surname = name.split()[0]
            for trade in rng.sample([t for t in TRADES if t not in name], 2):
                add(_entity(mk, f"{surname} {trade} GmbH", street, postal, city), "GmbH")
        elif kind < 0.27:  # branches of a chain: own company each, shared e-mail domain
            chain = rng.choice(CHAINS)
            base["name"] = f"{chain} GmbH"
            base["email"] = mk.mailbox("filiale", _slug(chain))
            for _ in range(rng.randrange(1, 4)):
                s, p, c = mk.place()
                add(
                    _entity(
                        mk, f"{chain} GmbH", s, p, c, email=mk.mailbox("filiale", _slug(chain))
                    ),
                    "GmbH",
                )
        elif kind < 0.30:  # clients of one tax advisor: shared e-mail, different names
            office = f"fibu@kanzlei-{_slug(rng.choice(SURNAMES))}.de"
            base["email"] = office
            other_name, other_form = _synthetic_name(rng)
            s, p, c = mk.place()
            add(_entity(mk, other_name, s, p, c, email=office), other_form)
    # Duplicates of a share of the entities.
    for group, form in zip(groups, forms, strict=True):
        if rng.random() < dup_rate:
            for _ in range(rng.choice([1, 1, 1, 2, 3])):
                group.append(duplicate_of(rng, group[0], form))
    rows = []
    for number, group in enumerate(groups, start=1):
        for row in group:
            rows.append(dict(row, entity_id=f"E{number:05d}"))
    rng.shuffle(rows)
    for number, row in enumerate(rows, start=1):
        row["partner_id"] = f"P{number:06d}"
    return [{c: row[c] for c in COLUMNS} for row in rows]


def write_csv(rows: list[dict], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


if __name__ == "__main__":
    data = make_partners(700)
    write_csv(data, EVAL_CSV)
    print(f"{len(data)} records of {len({r['entity_id'] for r in data})} partners -> {EVAL_CSV}")
