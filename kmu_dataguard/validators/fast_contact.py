"""Vectorised fast paths for e-mail addresses (email-validator) and phone numbers (phonenumbers).

E-mail: for printable ASCII without quotes, angle brackets and Punycode (``xn--``) labels,
email-validator's syntax check (``check_deliverability=False``, default options) reduces to one
regular expression plus three conditions, derived rule by rule in :func:`fast_email`. Such
addresses are decided here, valid or invalid; all others go to email-validator.

Phones: libphonenumber has no vectorised API, but ``is_valid_number`` of a parsed number is a
function of the national significant number alone: it must match the region's general pattern
and one number-type pattern, each with its possible lengths (``_number_type_helper``). For the
plain shapes ``+CC digits`` and national ``0 digits`` (digits separated by single spaces, ``-``
or ``/``) the parse is reproduced here where it is simple (a country code of one geographic
region, a literal national prefix) and the region's patterns are applied per group of rows.
Every other shape (letters, extensions, IDD prefixes, shared country codes such as +1 or +44,
prefix-stripping corner cases) goes to phonenumbers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import numpy as np
import phonenumbers
from email_validator import SPECIAL_USE_DOMAIN_NAMES
from email_validator.rfc_constants import ATEXT
from phonenumbers import phonenumberutil as _pnu

from kmu_dataguard.validators._vector import (
    INVALID,
    UNDECIDED,
    VALID,
    drop_chars,
    strip_spaces,
)

__all__ = ["fast_email", "fast_phone"]


def _as_text(m: np.ndarray) -> list[str]:
    """Rows of a uint8 matrix as str (ASCII; the zero padding is dropped)."""
    if m.shape[1] == 0:
        return [""] * m.shape[0]
    return np.ascontiguousarray(m).view(f"S{m.shape[1]}").ravel().astype("U").tolist()


def _matches(pattern: re.Pattern[str], texts: list[str]) -> np.ndarray:
    return np.fromiter(map(bool, map(pattern.fullmatch, texts)), dtype=bool, count=len(texts))


# --- e-mail --------------------------------------------------------------------------------
#
# email-validator on ASCII text without '"' and '<' (split_email): the address splits at the
# first '@' (no '@' -> invalid); the local part must match DOT_ATOM_TEXT (ATEXT runs joined by
# single dots; the internationalised variant adds only non-ASCII); no local-part length limit
# unless strict. The domain (uts46_remap only lower-cases ASCII) must be [A-Za-z0-9.-], labels
# neither empty nor starting/ending with '-', no "..--" label other than Punycode "xn--" (those
# go to the library: IDNA decoding), at most 63 characters per label and 253 in all, contain a
# '.', end with a letter, not be or end in a special-use name. The whole address (original,
# normalised and ASCII forms all have the same length here) is at most 254 characters.

_LABEL = r"(?![A-Za-z0-9-]{2}--)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_TLD = r"(?![A-Za-z0-9-]{2}--)(?:[A-Za-z0-9][A-Za-z0-9-]{0,61})?[A-Za-z]"
_EMAIL = re.compile(rf"[{ATEXT}]+(?:\.[{ATEXT}]+)*@(?:{_LABEL}\.)+{_TLD}")
_SPECIAL = re.compile(
    r".*@(?:.*\.)?(?:" + "|".join(map(re.escape, SPECIAL_USE_DOMAIN_NAMES)) + ")",
    re.IGNORECASE,
)
_ROUTE = re.compile(r'.*(?:["<]|xn--).*', re.IGNORECASE | re.DOTALL)


def fast_email(m: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """email-validator's verdict (syntax only) for plain ASCII addresses; others UNDECIDED."""
    del lengths
    m, lengths = strip_spaces(m)  # the validator is called with text.strip()
    texts = _as_text(m)
    out = np.full(len(texts), INVALID, dtype=np.int8)
    valid = _matches(_EMAIL, texts) & (lengths <= 254)
    at = (m == 0x40).argmax(axis=1)  # first "@" (a valid row has exactly one)
    valid &= lengths - at - 1 <= 253
    valid &= ~_matches(_SPECIAL, texts)
    out[valid] = VALID
    out[_matches(_ROUTE, texts)] = UNDECIDED
    return out


# --- phone numbers -------------------------------------------------------------------------

_SHAPE = re.compile(r"\+?[0-9]+(?:[ /-][0-9]+)*")
_MAX_PHONE_TEXT = 40

_FAILED_LENGTH = {
    _pnu.ValidationResult.TOO_SHORT,
    _pnu.ValidationResult.IS_POSSIBLE_LOCAL_ONLY,
    _pnu.ValidationResult.INVALID_LENGTH,
}


@dataclass(frozen=True)
class _Desc:
    lengths: frozenset[int]  # empty: no length restriction
    pattern: re.Pattern[str] | None


@dataclass(frozen=True)
class _Region:
    """What fast_phone needs of one region's metadata (all read from phonenumbers)."""

    country_code: int
    general: _Desc
    types: tuple[_Desc, ...]
    national_prefix: re.Pattern[str] | None  # national_prefix_for_parsing
    literal_prefix: str | None  # the same when it is a plain digit string without transform
    idd: re.Pattern[str] | None
    strip_length_ok: tuple[bool, ...]  # by length: _test_number_length accepts the stripped form


def _desc(desc: object) -> _Desc | None:
    if desc is None:
        return None
    pattern = getattr(desc, "national_number_pattern", None)
    return _Desc(
        frozenset(getattr(desc, "possible_length", ()) or ()),
        re.compile(pattern) if pattern is not None else None,
    )


_TYPE_FIELDS = (
    "fixed_line",
    "mobile",
    "premium_rate",
    "toll_free",
    "shared_cost",
    "voip",
    "personal_number",
    "pager",
    "uan",
    "voicemail",
)


@cache
def _region(region: str) -> _Region | None:
    """The region's rules, or None when its numbers are not decided here."""
    metadata = phonenumbers.PhoneMetadata.metadata_for_region(region)
    if metadata is None:
        return None
    cc = metadata.country_code
    if phonenumbers.COUNTRY_CODE_TO_REGION_CODE.get(cc, ()) != (region,):
        return None  # shared country code: libphonenumber picks the region per number
    general = _desc(metadata.general_desc)
    if general is None or general.pattern is None:
        return None
    types = tuple(d for d in (_desc(getattr(metadata, f)) for f in _TYPE_FIELDS) if d)
    npp = metadata.national_prefix_for_parsing
    literal = (
        npp
        if npp and re.fullmatch(r"[0-9]+", npp) and not metadata.national_prefix_transform_rule
        else None
    )
    lengths = tuple(
        _pnu._test_number_length("1" * n, metadata) not in _FAILED_LENGTH for n in range(64)
    )
    return _Region(
        country_code=cc,
        general=general,
        types=types,
        national_prefix=re.compile(npp) if npp else None,
        literal_prefix=literal,
        idd=re.compile(metadata.international_prefix) if metadata.international_prefix else None,
        strip_length_ok=lengths,
    )


def _starts(pattern: re.Pattern[str] | None, texts: list[str]) -> np.ndarray:
    if pattern is None:
        return np.zeros(len(texts), dtype=bool)
    return np.fromiter(map(bool, map(pattern.match, texts)), dtype=bool, count=len(texts))


def _matching(desc: _Desc, texts: list[str], lengths: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """_is_number_matching_desc for the given rows (a bool array over all rows)."""
    hit = np.zeros(len(texts), dtype=bool)
    if desc.lengths:
        rows = rows & np.isin(lengths, list(desc.lengths))
    if desc.pattern is None:
        return hit
    index = np.flatnonzero(rows)
    hit[index] = _matches(desc.pattern, [texts[i] for i in index])
    return hit


def _valid_nsn(info: _Region, nsn: list[str]) -> np.ndarray:
    """is_valid_number for national significant numbers of the region: general + any type."""
    lengths = np.fromiter(map(len, nsn), dtype=np.int64, count=len(nsn))
    ok = _matching(info.general, nsn, lengths, np.ones(len(nsn), dtype=bool))
    typed = np.zeros(len(nsn), dtype=bool)
    for desc in info.types:  # fixed line and mobile first: most rows end there
        typed |= _matching(desc, nsn, lengths, ok & ~typed)
    return ok & typed


def _starts_with(m: np.ndarray, lengths: np.ndarray, prefix: str) -> np.ndarray:
    """Rows of the digit matrix that start with the literal ``prefix``."""
    size = len(prefix)
    if size == 0 or m.shape[1] < size:
        return np.zeros(m.shape[0], dtype=bool) if size else np.ones(m.shape[0], dtype=bool)
    wanted = np.frombuffer(prefix.encode("ascii"), dtype=np.uint8)
    return (lengths >= size) & (m[:, :size] == wanted).all(axis=1)


def _country_code_split(m: np.ndarray, lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """phonenumbers' _extract_country_code: the first 1-3 digit prefix that is a calling code."""
    known = np.zeros(1000, dtype=bool)
    known[list(phonenumbers.COUNTRY_CODE_TO_REGION_CODE)] = True
    codes = np.zeros(m.shape[0], dtype=np.int64)
    size = np.zeros(m.shape[0], dtype=np.int64)
    value = np.zeros(m.shape[0], dtype=np.int64)
    for width in (1, 2, 3):
        value = value * 10 + (m[:, width - 1].astype(np.int64) - 0x30)
        take = (size == 0) & (lengths >= width) & known[np.clip(value, 0, 999)]
        take &= m[:, 0] != 0x30  # a leading 0 is no country code (parse fails)
        codes[take], size[take] = value[take], width
    return codes, size


def _decide(
    info: _Region, nsn: np.ndarray, nsn_len: np.ndarray, rows: np.ndarray, out: np.ndarray
) -> None:
    """Verdicts for rows whose national significant number (digit matrix) is known."""
    sane = (nsn_len >= 2) & (nsn_len <= 17)  # parse raises outside: left to the library
    out[rows[sane]] = np.where(_valid_nsn(info, _as_text(nsn[sane])), VALID, INVALID)


def fast_phone(m: np.ndarray, lengths: np.ndarray, region: str) -> np.ndarray:
    """phonenumbers: parse(text, region) and is_valid_number, for the plain shapes only."""
    out = np.full(m.shape[0], UNDECIDED, dtype=np.int8)
    shaped = _matches(_SHAPE, _as_text(m)) & (lengths <= _MAX_PHONE_TEXT)
    digits, ndigits = drop_chars(m, b"+ /-")
    if digits.shape[1] < 3:
        digits = np.pad(digits, ((0, 0), (0, 3 - digits.shape[1])))
    plus = m[:, 0] == 0x2B
    shaped &= ndigits >= 4

    # International "+CC ...": the number's own region decides, whatever the home region.
    intl = np.flatnonzero(shaped & plus)
    if intl.size:
        codes, size = _country_code_split(digits[intl], ndigits[intl])
        for cc in np.unique(codes[size > 0]):
            regions = phonenumbers.COUNTRY_CODE_TO_REGION_CODE.get(int(cc), ())
            info = _region(regions[0]) if len(regions) == 1 else None
            if info is None:
                continue
            group = intl[codes == cc]
            width = int(size[codes == cc][0])
            nsn, nsn_len = digits[group, width:], ndigits[group] - width
            # A national prefix right after the code would be stripped by parse: not modelled.
            plain = ~_starts(info.national_prefix, _as_text(nsn))
            _decide(info, nsn[plain], nsn_len[plain], group[plain], out)

    # National form, read with the home region's rules.
    info = _region(region)
    natl = np.flatnonzero(shaped & ~plus)
    if info is None or natl.size == 0 or (info.national_prefix and not info.literal_prefix):
        return out
    whole, whole_len = digits[natl], ndigits[natl]
    simple = ~_starts(info.idd, _as_text(whole))  # an IDD prefix ("00"): international
    simple &= ~_starts_with(whole, whole_len, str(info.country_code))
    prefix = info.literal_prefix or ""
    has_prefix = _starts_with(whole, whole_len, prefix) if prefix else np.zeros(natl.size, bool)
    cut = len(prefix)
    rest = np.where(has_prefix[:, None], np.pad(whole[:, cut:], ((0, 0), (0, cut))), whole)
    rest_len = np.where(has_prefix, whole_len - cut, whole_len)
    # parse strips the national prefix unless the number matched the general pattern only with
    # it, or the rest fails the region's length test; a kept prefix is left to the library.
    general = info.general.pattern
    assert general is not None
    whole_ok = _matches(general, _as_text(whole))
    rest_ok = _matches(general, _as_text(rest))
    table = np.array(info.strip_length_ok, dtype=bool)
    length_ok = table[np.clip(rest_len, 0, table.size - 1)]
    stripped = has_prefix & ~(whole_ok & ~rest_ok) & length_ok
    keep = simple & (stripped | ~has_prefix)
    _decide(info, rest[keep], rest_len[keep], natl[keep], out)
    return out
