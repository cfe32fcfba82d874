"""The vectorised fast paths agree with the libraries (stdnum, email-validator, phonenumbers).

Hypothesis builds valid identifiers (correct check digits), mutates them (one character, a
transposition, a lost or extra character, lower case, spaces, separators) and adds junk; each
batch is judged by the public validator (fast path + library for the rest) and by the library
value by value. Separate checks make sure the fast path really decides the common shapes, so
agreement is not bought by sending everything to the library.
"""

from __future__ import annotations

import csv
import string
from collections.abc import Callable
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd
import phonenumbers
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from stdnum import ean as std_ean
from stdnum import iban as std_iban
from stdnum.de import leitweg as std_leitweg
from stdnum.iso7064 import mod_97_10

from kmu_dataguard.validators import contact, identifiers
from kmu_dataguard.validators._vector import UNDECIDED, map_fast
from kmu_dataguard.validators.fast_contact import fast_email, fast_phone
from kmu_dataguard.validators.fast_identifiers import (
    _IBAN_LENGTH,
    fast_gln,
    fast_gtin,
    fast_iban,
    fast_leitweg,
    fast_vat,
)
from kmu_dataguard.validators.values import (
    valid_email,
    valid_gln,
    valid_gtin,
    valid_iban,
    valid_leitweg_id,
    valid_phone_for_country,
    valid_phone_number,
    valid_vat_id,
)

DATA = Path(__file__).parent / "data"
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

DIGITS = "0123456789"
UPPER = string.ascii_uppercase


def library_verdicts(values: list[str], judge: Callable[[str], bool]) -> list[bool]:
    out = []
    for value in values:
        if not value.strip():
            out.append(True)
            continue
        try:
            out.append(bool(judge(value)))
        except Exception:
            out.append(False)
    return out


def agree(validator: Callable[[pd.Series], pd.Series], judge, values: list[str]) -> None:
    series = pd.Series(values, index=range(7, 7 + len(values)), dtype=object)
    ours = validator(series)
    assert list(ours.index) == list(series.index)
    expected = library_verdicts(values, judge)
    assert ours.tolist() == expected, [
        (v, o, e) for v, o, e in zip(values, ours, expected, strict=True) if o != e
    ]
    # The same values as pandas' own string dtype take the same path.
    assert validator(pd.Series(values, dtype="str")).tolist() == expected


def fast_decisions(fast, values: list[str], width: int) -> np.ndarray:
    """The fast path's own verdicts (1 / 0 / -1) for plain printable-ASCII values."""
    m = np.array(values, dtype=f"S{width}").view(np.uint8).reshape(len(values), width)
    return fast(m, np.array([len(v) for v in values]))


# --- mutations shared by all identifiers ----------------------------------------------------


@st.composite
def mutated(draw: st.DrawFn, valid: st.SearchStrategy[str], alphabet: str) -> str:
    value = draw(valid)
    kind = draw(
        st.sampled_from(
            ["keep", "substitute", "transpose", "delete", "insert", "lower", "spaces", "junk"]
        )
    )
    if kind == "keep" or not value:
        return value
    i = draw(st.integers(0, len(value) - 1))
    if kind == "substitute":
        return value[:i] + draw(st.sampled_from(alphabet)) + value[i + 1 :]
    if kind == "transpose" and i + 1 < len(value):
        return value[:i] + value[i + 1] + value[i] + value[i + 2 :]
    if kind == "delete":
        return value[:i] + value[i + 1 :]
    if kind == "insert":
        return value[:i] + draw(st.sampled_from(alphabet)) + value[i:]
    if kind == "lower":
        return value.lower()
    if kind == "spaces":
        return " " + " ".join(value[j : j + 4] for j in range(0, len(value), 4)) + " "
    return draw(st.text(alphabet=alphabet + " -./\u00e4\u00a0`", max_size=40))


JUNK = st.text(max_size=30) | st.text(alphabet=string.printable, max_size=40)

# --- IBAN ---------------------------------------------------------------------------------

IBAN_COUNTRIES = sorted(
    a + b for a in UPPER for b in UPPER if _IBAN_LENGTH[(ord(a) - 65) * 26 + ord(b) - 65] > 0
)


@st.composite
def valid_ibans(draw: st.DrawFn) -> str:
    cc = draw(st.sampled_from(IBAN_COUNTRIES))
    structure = std_iban._ibandb.info(cc + "00")[0][1]["bban"]
    bban = ""
    for token in std_iban._struct_re.finditer(structure):
        count, kind = int(token.group(1)), token.group(2)
        chars = {"n": DIGITS, "a": UPPER, "c": DIGITS + UPPER}[kind]
        bban += draw(st.text(alphabet=chars, min_size=count, max_size=count))
    return cc + std_iban.calc_check_digits(cc + "00" + bban) + bban


IBAN_ALPHABET = DIGITS + UPPER + "ab"


@SETTINGS
@given(st.lists(mutated(valid_ibans(), IBAN_ALPHABET) | JUNK, min_size=1, max_size=30))
def test_iban_agrees_with_stdnum(values: list[str]) -> None:
    agree(valid_iban, std_iban.is_valid, values)


@SETTINGS
@given(st.lists(valid_ibans(), min_size=1, max_size=20))
def test_iban_fast_path_decides_generated_ibans(values: list[str]) -> None:
    verdicts = fast_decisions(fast_iban, values, 64)
    for value, verdict in zip(values, verdicts, strict=True):
        national_check = std_iban._get_cc_module(value[:2]) is not None
        assert verdict == (UNDECIDED if national_check else 1), value


# --- VAT IDs --------------------------------------------------------------------------------


def _repair_last(prefix: str, body: str, judge: Callable[[str], bool]) -> str:
    """Replace the last character by the digit that makes the number valid, if any."""
    for digit in DIGITS:
        candidate = prefix + body[:-1] + digit
        if judge(candidate):
            return candidate
    return prefix + body


@st.composite
def valid_vat_ids(draw: st.DrawFn) -> str:
    from stdnum.eu import vat as std_vat
    from stdnum.fr import siren
    from stdnum.nl import bsn

    cc = draw(st.sampled_from(["DE", "AT", "BE", "PL", "IT", "NL", "FR"]))
    digits = partial(st.text, alphabet=DIGITS)
    if cc == "DE":
        return _repair_last(
            "DE",
            draw(st.sampled_from("123456789")) + draw(digits(min_size=8, max_size=8)),
            std_vat.is_valid,
        )
    if cc == "AT":
        return _repair_last("ATU", draw(digits(min_size=8, max_size=8)), std_vat.is_valid)
    if cc == "BE":
        body = draw(st.sampled_from("01")) + draw(digits(min_size=7, max_size=7))
        return f"BE{body}{97 - int(body) % 97:02d}"
    if cc == "PL":
        return _repair_last("PL", draw(digits(min_size=10, max_size=10)), std_vat.is_valid)
    if cc == "IT":
        office = draw(st.sampled_from(["001", "050", "100", "120", "121", "888", "999"]))
        body = draw(digits(min_size=7, max_size=7)) + office + "0"
        return _repair_last("IT", body, std_vat.is_valid)
    if cc == "NL":
        body = draw(digits(min_size=8, max_size=8))
        number = _repair_last("", body + "0", bsn.is_valid)
        return f"NL{number}B{draw(st.sampled_from(['01', '02', '17']))}"
    body = draw(digits(min_size=8, max_size=8))
    number = _repair_last("", body + "0", siren.is_valid)
    key = int(number + "12") % 97
    return f"FR{key:02d}{number}"


VAT_ALPHABET = DIGITS + UPPER + "u(),:"


@SETTINGS
@given(st.lists(mutated(valid_vat_ids(), VAT_ALPHABET) | JUNK, min_size=1, max_size=30))
def test_vat_agrees_with_stdnum(values: list[str]) -> None:
    agree(valid_vat_id, identifiers.vat_id_is_valid, values)


@SETTINGS
@given(st.lists(valid_vat_ids(), min_size=1, max_size=20))
def test_vat_fast_path_decides_generated_ids(values: list[str]) -> None:
    from stdnum.eu import vat as std_vat

    verdicts = fast_decisions(fast_vat, values, 40)
    assert verdicts.tolist() == [int(std_vat.is_valid(v)) for v in values]


# --- GTIN / GLN / Leitweg-ID ---------------------------------------------------------------


@st.composite
def valid_gtins(draw: st.DrawFn) -> str:
    size = draw(st.sampled_from([8, 12, 13, 14]))
    body = draw(st.text(alphabet=DIGITS, min_size=size - 1, max_size=size - 1))
    return body + std_ean.calc_check_digit(body)


@SETTINGS
@given(st.lists(mutated(valid_gtins(), DIGITS + "-") | JUNK, min_size=1, max_size=30))
def test_gtin_and_gln_agree_with_stdnum(values: list[str]) -> None:
    agree(valid_gtin, identifiers._gtin_is_valid, values)
    agree(valid_gln, identifiers._gln_is_valid, values)
    plain = [v for v in values if v.isascii() and v.isprintable() and "`" not in v and v.strip()]
    if plain:
        assert (fast_decisions(fast_gtin, plain, 64) != UNDECIDED).all()
        assert (fast_decisions(fast_gln, plain, 64) != UNDECIDED).all()


@st.composite
def valid_leitweg_ids(draw: st.DrawFn) -> str:
    state = draw(st.sampled_from([f"{n:02d}" for n in range(0, 18)] + ["99", "42"]))
    coarse = state + draw(st.text(alphabet=DIGITS, max_size=10))
    fine = draw(st.none() | st.text(alphabet=DIGITS + UPPER, max_size=30))
    body = coarse + ("" if fine is None else "-" + fine)
    return f"{body}-{mod_97_10.calc_check_digits(body.replace('-', ''))}"


@SETTINGS
@given(st.lists(mutated(valid_leitweg_ids(), DIGITS + UPPER + "-a") | JUNK, max_size=30))
def test_leitweg_agrees_with_stdnum(values: list[str]) -> None:
    agree(valid_leitweg_id, std_leitweg.is_valid, values)
    plain = [v for v in values if v.isascii() and v.isprintable() and "`" not in v and v.strip()]
    if plain:
        assert (fast_decisions(fast_leitweg, plain, 64) != UNDECIDED).all()


# --- e-mail -------------------------------------------------------------------------------

ATEXT = string.ascii_letters + DIGITS + "!#$%&'*+-/=?^_{|}~"
LABEL = st.text(alphabet=string.ascii_letters + DIGITS + "-", min_size=1, max_size=66)
TLDS = st.sampled_from(
    [
        "de",
        "com",
        "DE",
        "local",
        "test",
        "localhost",
        "onion",
        "arpa",
        "invalid",
        "c0m",
        "1",
        "co.uk",
        "xn--p1ai",
        "ab--cd",
        "museum",
        "x",
    ]
)


@st.composite
def emails(draw: st.DrawFn) -> str:
    local = draw(st.lists(st.text(alphabet=ATEXT, min_size=0, max_size=12), min_size=1, max_size=4))
    labels = draw(st.lists(LABEL, min_size=0, max_size=3))
    domain = ".".join([*labels, draw(TLDS)])
    value = ".".join(local) + "@" + domain
    tweak = draw(st.sampled_from(["keep", "keep", "pad", "quote", "angle", "double_at", "long"]))
    if tweak == "pad":
        return "  " + value + " "
    if tweak == "quote":
        return '"' + value.replace("@", '"@', 1)
    if tweak == "angle":
        return "Max <" + value + ">"
    if tweak == "double_at":
        return value + "@x.de"
    if tweak == "long":
        return "a" * draw(st.integers(180, 260)) + "@" + domain
    return value


@SETTINGS
@given(st.lists(emails() | JUNK, min_size=1, max_size=25))
def test_email_agrees_with_email_validator(values: list[str]) -> None:
    agree(valid_email, contact._email_is_valid, values)


def test_email_fast_path_decides_common_addresses() -> None:
    values = [
        "rechnung@mueller-gmbh.de",
        "Max.Mustermann@Example.COM",
        "a+b@x.co.uk",
        "info@firma.local",
        "a..b@x.de",
        "kein-at-zeichen.de",
        "x@-a.de",
    ]
    verdicts = fast_decisions(fast_email, values, 320)
    assert verdicts.tolist() == [1, 1, 1, 0, 0, 0, 0]
    assert verdicts.tolist() == [int(contact._email_is_valid(v)) for v in values]


# --- phone numbers ------------------------------------------------------------------------

REGIONS = ["DE", "AT", "CH", "FR", "NL", "PL", "GB", "IT", "US", "ES", "BE"]


def _example_numbers() -> list[str]:
    out = []
    for region in REGIONS:
        for kind in (phonenumbers.PhoneNumberType.FIXED_LINE, phonenumbers.PhoneNumberType.MOBILE):
            number = phonenumbers.example_number_for_type(region, kind)
            if number is None:
                continue
            for form in (
                phonenumbers.PhoneNumberFormat.E164,
                phonenumbers.PhoneNumberFormat.INTERNATIONAL,
                phonenumbers.PhoneNumberFormat.NATIONAL,
            ):
                out.append(phonenumbers.format_number(number, form))
    return out


EXAMPLES = _example_numbers()


@st.composite
def phones(draw: st.DrawFn) -> str:
    digits = partial(st.text, alphabet=DIGITS)
    kind = draw(st.sampled_from(["example", "intl", "natl", "junk"]))
    if kind == "example":
        value = draw(st.sampled_from(EXAMPLES))
        return draw(mutated(st.just(value), DIGITS + " -/+"))
    start = ""
    if kind == "intl":
        start = "+" + draw(
            st.sampled_from(
                ["49", "43", "41", "33", "31", "48", "39", "44", "1", "420", "0", "999", "800"]
            )
        )
    elif kind == "natl":
        start = draw(st.sampled_from(["0", "00", "01", "49", "030", ""]))
    else:
        return draw(st.text(alphabet=DIGITS + " -/+()x#.abc", max_size=25))
    groups = draw(
        st.lists(
            st.tuples(st.sampled_from([" ", "", "-", "/"]), digits(min_size=1, max_size=5)),
            min_size=1,
            max_size=5,
        )
    )
    return start + "".join(sep + group for sep, group in groups)


@SETTINGS
@given(st.lists(phones(), min_size=1, max_size=25), st.sampled_from(REGIONS))
def test_phone_agrees_with_phonenumbers(values: list[str], region: str) -> None:
    agree(
        partial(valid_phone_number, default_region=region),
        lambda text: contact.normalise_phone(text, region) is not None,
        values,
    )


@SETTINGS
@given(
    st.lists(
        st.tuples(phones(), st.sampled_from([*REGIONS, "de", " at ", "XX", "", None])),
        min_size=1,
        max_size=25,
    )
)
def test_phone_for_country_agrees_with_phonenumbers(rows: list[tuple[str, str | None]]) -> None:
    phone = pd.Series([p for p, _ in rows], index=range(3, 3 + len(rows)), dtype=object)
    country = pd.Series([c for _, c in rows], index=phone.index, dtype=object)
    expected = [
        contact._phone_valid_for(p, None if c is None or not c.strip() else c)
        if p.strip()
        else True
        for p, c in rows
    ]
    assert valid_phone_for_country(phone, country).tolist() == expected


def test_phone_fast_path_decides_german_numbers() -> None:
    values = [
        "+49 30 1234567",
        "030 1234567",
        "0151 23456789",
        "+49 151 23456789",
        "+43 1 5123456",
        "030/1234567",
        "0049 30 1234567",
        "+44 20 7946 0958",
    ]
    verdicts = fast_decisions(partial(fast_phone, region="DE"), values, 40)
    assert (verdicts[:6] != UNDECIDED).all()
    assert verdicts[6] == UNDECIDED and verdicts[7] == UNDECIDED  # IDD prefix, shared +44
    for value, verdict in zip(values[:6], verdicts[:6], strict=True):
        assert bool(verdict) == (contact.normalise_phone(value, "DE") is not None), value


# --- official vectors, fast path against stdnum ---------------------------------------------


@pytest.mark.parametrize(
    ("name", "fast", "judge", "width"),
    [
        ("iban.csv", fast_iban, std_iban.is_valid, 64),
        ("vat.csv", fast_vat, identifiers.vat_id_is_valid, 40),
        ("leitweg.csv", fast_leitweg, std_leitweg.is_valid, 64),
        ("ean.csv", fast_gtin, identifiers._gtin_is_valid, 32),
    ],
)
def test_fast_paths_on_official_vectors(name: str, fast, judge, width: int) -> None:
    with (DATA / name).open(encoding="utf-8", newline="") as handle:
        values = [row["value"] for row in csv.DictReader(handle)]
    plain = [v for v in values if v.isascii() and v.isprintable() and "`" not in v and v.strip()]
    verdicts = fast_decisions(fast, plain, width)
    decided = verdicts != UNDECIDED
    assert decided.sum() >= len(plain) // 3  # the fast path really carries the vectors
    for value, verdict in zip(plain, verdicts, strict=True):
        if verdict != UNDECIDED:
            assert bool(verdict) == bool(judge(value)), value


def test_map_fast_mixed_cells_use_the_general_path() -> None:
    values = pd.Series(["DE89370400440532013000", 12345, None, b"DE89370400440532013000"])
    result = map_fast(values, fast_iban, std_iban.is_valid, width=64)
    assert result.tolist() == [True, False, True, True]
