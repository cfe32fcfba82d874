"""Vectorised fast paths for IBAN, EU VAT IDs, GTIN/GLN and Leitweg-IDs (python-stdnum semantics).

Each function takes the ``uint8`` matrix of printable-ASCII values (see ``_vector``) and returns
``VALID``/``INVALID``/``UNDECIDED`` per row, reproducing what the stdnum function the validator
uses would answer. What is not reproduced here is ``UNDECIDED`` and judged by stdnum itself:
IBANs of countries with a national check in stdnum (derived from stdnum, e.g. BE, ES), VAT IDs of
member states not modelled here (ES, EL, ...) or of shapes stdnum normalises specially (a
Belgian ``(0)``, a Dutch number shorter than 12 characters, French letters in the key).
"""

from __future__ import annotations

import numpy as np
from stdnum import iban as _iban

from kmu_dataguard.validators._vector import (
    INVALID,
    UNDECIDED,
    VALID,
    digit_values,
    drop_chars,
    is_alpha,
    is_digit,
    strip_spaces,
    upper,
)

__all__ = ["fast_gln", "fast_gtin", "fast_iban", "fast_leitweg", "fast_vat"]


def _cc_index(m: np.ndarray) -> np.ndarray:
    """Index 0..675 of two upper-case letters in columns 0-1, -1 where they are not such."""
    if m.shape[1] < 2:
        return np.full(m.shape[0], -1, dtype=np.int64)
    a, b = m[:, 0].astype(np.int64) - 0x41, m[:, 1].astype(np.int64) - 0x41
    ok = (a >= 0) & (a < 26) & (b >= 0) & (b < 26)
    return np.where(ok, a * 26 + b, -1)


def _mod97_step(r: np.ndarray, c: np.ndarray) -> np.ndarray:
    """One character of ISO 7064 mod 97-10 as stdnum computes it: int(c, 36) written in base 10."""
    digit = c <= 0x39
    value = np.where(digit, c.astype(np.int32) - 0x30, c.astype(np.int32) - 0x37)
    return np.where(digit, r * 10 + value, r * 100 + value) % 97


def _mod97(m: np.ndarray, lengths: np.ndarray, order: list[int] | None = None) -> np.ndarray:
    """Remainder mod 97 of each row (upper-case alphanumerics) read in column ``order``."""
    r = np.zeros(m.shape[0], dtype=np.int32)
    for j in order if order is not None else range(m.shape[1]):
        r = np.where(j < lengths, _mod97_step(r, m[:, j]), r)
    return r


def _all_inside(ok: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    inside = np.arange(ok.shape[1]) < lengths[:, None]
    return (ok | ~inside).all(axis=1)


# --- IBAN ----------------------------------------------------------------------------------

_NEED_ANY, _NEED_DIGIT, _NEED_LETTER = 0, 1, 2


def _iban_tables() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per two-letter code: IBAN length (0 = no country), BBAN class per position, library flag.

    Read from stdnum's own IBAN registry (``iban.dat`` through ``stdnum.numdb``) and parsed with
    stdnum's structure pattern, so a new stdnum release brings its registry along. A country whose
    entry this parser does not fully understand is left to the library.
    """
    width = 40
    length = np.zeros(676, dtype=np.int64)
    need = np.zeros((676, width), dtype=np.int8)
    library = np.zeros(676, dtype=bool)
    letters = [chr(c) for c in range(0x41, 0x5B)]
    for i, a in enumerate(letters):
        for j, b in enumerate(letters):
            cc, k = a + b, i * 26 + j
            info = _iban._ibandb.info(cc + "00")
            if not info or info[0][0] != cc or not info[0][1]:
                continue  # stdnum: InvalidComponent
            structure = info[0][1].get("bban", "")
            tokens = list(_iban._struct_re.finditer(structure))
            if "".join(t.group(0) for t in tokens) != structure or not structure:
                library[k], length[k] = True, 1  # not understood: the library decides
                continue
            pos = 4
            for token in tokens:
                count, kind = int(token.group(1)), token.group(2)
                code = {"n": _NEED_DIGIT, "a": _NEED_LETTER, "c": _NEED_ANY}[kind]
                if pos + count > width:
                    library[k] = True
                    break
                need[k, pos : pos + count] = code
                pos += count
            length[k] = pos
            # stdnum runs a national check (stdnum.<cc>.iban) after the structure: leave it to it.
            library[k] |= _iban._get_cc_module(cc) is not None
    return length, need, library


_IBAN_LENGTH, _IBAN_NEED, _IBAN_LIBRARY = _iban_tables()


def fast_iban(m: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """stdnum.iban.is_valid: compact (drop `` -.``, upper), mod 97 of the rotated text == 1,
    a registry country, the BBAN structure of that country (which fixes the length)."""
    m, lengths = drop_chars(m, b" -.")
    m = upper(m)
    cc = _cc_index(m)
    expected = np.where(cc >= 0, _IBAN_LENGTH[cc], 0)
    digit, letter = is_digit(m), is_alpha(m)
    ok = (expected > 0) & (lengths == expected) & _all_inside(digit | letter, lengths)
    out = np.full(m.shape[0], INVALID, dtype=np.int8)
    rows = np.flatnonzero(ok)
    if rows.size == 0:
        return out
    sub, sub_len, sub_cc = m[rows], lengths[rows], cc[rows]
    width = min(sub.shape[1], _IBAN_NEED.shape[1])
    need = _IBAN_NEED[sub_cc, :width]
    d, a = digit[rows, :width], letter[rows, :width]
    classes = ((need == _NEED_DIGIT) & d) | ((need == _NEED_LETTER) & a) | (need == _NEED_ANY)
    good = classes.all(axis=1)
    rest = [*range(4, sub.shape[1]), 0, 1, 2, 3]
    good &= _mod97(sub, sub_len, rest) == 1
    verdict = np.where(good, VALID, INVALID).astype(np.int8)
    verdict[good & _IBAN_LIBRARY[sub_cc]] = UNDECIDED
    out[rows] = verdict
    return out


# --- GTIN / GLN ----------------------------------------------------------------------------


def _gs1(m: np.ndarray, lengths: np.ndarray, allowed: tuple[int, ...]) -> np.ndarray:
    """stdnum.ean: compact (drop `` -``, strip), digits only, length allowed, GS1 check digit."""
    m, lengths = drop_chars(m, b" -")
    width = m.shape[1]
    ok = np.isin(lengths, allowed) & _all_inside(is_digit(m), lengths)
    d = digit_values(m).astype(np.int64)
    cols = np.arange(width)[None, :]
    # Weight 3 on the digit next to the check digit, then alternating 1, 3, ... leftwards.
    from_right = lengths[:, None] - 1 - cols
    weight = np.where(from_right % 2 == 1, 3, 1)
    body = (from_right >= 1) & (cols < lengths[:, None])
    total = np.where(body, d * weight, 0).sum(axis=1)
    check = d[np.arange(m.shape[0]), np.maximum(lengths - 1, 0)]
    ok &= (10 - total) % 10 == check
    return np.where(ok, VALID, INVALID).astype(np.int8)


def fast_gtin(m: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    return _gs1(m, lengths, (8, 12, 13, 14))


def fast_gln(m: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    return _gs1(m, lengths, (13,))


# --- Leitweg-ID ----------------------------------------------------------------------------

_LEITWEG_STATES = np.zeros(100, dtype=bool)
_LEITWEG_STATES[[*range(1, 17), 99]] = True


def fast_leitweg(m: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """stdnum.de.leitweg: strip, upper, 5-46 characters, ``[0-9]{2,12}(-[0-9A-Z]{,30})?-[0-9]{2}``,
    a known state code, ISO 7064 mod 97-10 over the characters without dashes."""
    m, lengths = strip_spaces(m)
    m = upper(m)
    n, width = m.shape
    cols = np.arange(width)[None, :]
    inside = cols < lengths[:, None]
    digit, dash = is_digit(m), m == 0x2D
    alnum = digit | ((m >= 0x41) & (m <= 0x5A))
    ok = (lengths >= 5) & (lengths <= 46) & ((alnum | dash) | ~inside).all(axis=1)
    dashes = (dash & inside).sum(axis=1)
    first = np.where(dash.any(axis=1), dash.argmax(axis=1), -1)
    last = np.where(dash & inside, cols, -1).max(axis=1)
    ok &= (dashes == 1) | (dashes == 2)
    ok &= (first >= 2) & (first <= 12) & ((digit | (cols >= first[:, None])).all(axis=1))
    ok &= last == lengths - 3
    rows = np.arange(n)
    ok &= digit[rows, np.clip(lengths - 1, 0, width - 1)]
    ok &= digit[rows, np.clip(lengths - 2, 0, width - 1)]
    ok &= (dashes == 1) | (last - first - 1 <= 30)
    state = digit_values(m[:, :2]).astype(np.int64) if width >= 2 else np.zeros((n, 2), np.int64)
    code = np.clip(state[:, 0] * 10 + state[:, 1], 0, 99)
    ok &= _LEITWEG_STATES[code]
    body, body_len = drop_chars(m, b"-")
    ok &= _mod97(body, body_len) == 1
    return np.where(ok, VALID, INVALID).astype(np.int8)


# --- EU VAT IDs ----------------------------------------------------------------------------


def _luhn_ok(d: np.ndarray) -> np.ndarray:
    """stdnum.luhn checksum == 0 for fixed-width digit rows (rightmost digit not doubled)."""
    width = d.shape[1]
    doubled = (width - 1 - np.arange(width)) % 2 == 1
    twice = d * 2
    values = np.where(doubled, np.where(twice > 9, twice - 9, twice), d)
    return values.sum(axis=1) % 10 == 0


def _digits_only(body: np.ndarray, lengths: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """(ok, digits) for rows that are exactly ``size`` ASCII digits."""
    if body.shape[1] < size:
        body = np.pad(body, ((0, 0), (0, size - body.shape[1])))
    part = body[:, :size]
    ok = (lengths == size) & is_digit(part).all(axis=1)
    return ok, digit_values(part).astype(np.int64)


def _vat_de(body: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    ok, d = _digits_only(body, lengths, 9)
    ok &= d[:, 0] != 0
    check = np.full(body.shape[0], 5, dtype=np.int64)
    for j in range(9):  # ISO 7064 mod 11,10 as stdnum.iso7064.mod_11_10.checksum
        check = (np.where(check == 0, 10, check) * 2 % 11 + d[:, j]) % 10
    return np.where(ok & (check == 1), VALID, INVALID).astype(np.int8)


def _vat_at(body: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    first_u = body[:, 0] == 0x55 if body.shape[1] else np.zeros(body.shape[0], bool)
    ok, d = _digits_only(body[:, 1:], lengths - 1, 8)
    ok &= first_u
    # stdnum.at.uid: check = (6 - luhn.checksum(digits 1-7)) % 10
    seven = d[:, :7]
    doubled = (6 - np.arange(7)) % 2 == 1
    twice = seven * 2
    luhn = np.where(doubled, np.where(twice > 9, twice - 9, twice), seven).sum(axis=1) % 10
    ok &= (6 - luhn) % 10 == d[:, 7]
    return np.where(ok, VALID, INVALID).astype(np.int8)


def _vat_be(body: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    out = np.full(body.shape[0], INVALID, dtype=np.int8)
    paren = (body == 0x28).any(axis=1)  # "(0)" is rewritten by stdnum: leave it to the library
    # stdnum prefixes the old nine-digit form with "0".
    nine = lengths == 9
    width = max(body.shape[1] + 1, 10)
    padded = np.zeros((body.shape[0], width), dtype=np.uint8)
    padded[~nine, : body.shape[1]] = body[~nine]
    padded[nine, 1 : body.shape[1] + 1] = body[nine]
    padded[nine, 0] = 0x30
    ok, d = _digits_only(padded, np.where(nine, 10, lengths), 10)
    ok &= (d[:, 0] == 0) | (d[:, 0] == 1)
    ok &= d.sum(axis=1) > 0
    head = np.zeros(body.shape[0], dtype=np.int64)
    for j in range(8):
        head = (head * 10 + d[:, j]) % 97
    ok &= (head + d[:, 8] * 10 + d[:, 9]) % 97 == 0
    out[ok] = VALID
    out[paren] = UNDECIDED
    return out


def _vat_pl(body: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    ok, d = _digits_only(body, lengths, 10)
    weights = np.array([6, 5, 7, 2, 3, 4, 5, 6, 7, -1])
    ok &= (d * weights).sum(axis=1) % 11 == 0
    return np.where(ok, VALID, INVALID).astype(np.int8)


def _vat_it(body: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    ok, d = _digits_only(body, lengths, 11)
    ok &= d[:, :7].sum(axis=1) > 0
    office = d[:, 7] * 100 + d[:, 8] * 10 + d[:, 9]
    ok &= ((office >= 1) & (office <= 100)) | np.isin(office, (120, 121, 888, 999))
    ok &= _luhn_ok(d)
    return np.where(ok, VALID, INVALID).astype(np.int8)


def _vat_nl(body: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    out = np.full(body.shape[0], INVALID, dtype=np.int8)
    if body.shape[1] < 12:
        body = np.pad(body, ((0, 0), (0, 12 - body.shape[1])))
    part = body[:, :12]
    d = digit_values(part).astype(np.int64)
    digit = is_digit(part)
    ok = (lengths == 12) & digit[:, :9].all(axis=1) & digit[:, 10:12].all(axis=1)
    ok &= part[:, 9] == 0x42  # "B"
    ok &= (d[:, :9].sum(axis=1) > 0) & (d[:, 10:12].sum(axis=1) > 0)
    bsn = ((d[:, :8] * np.arange(9, 1, -1)).sum(axis=1) - d[:, 8]) % 11 == 0
    prefixed = np.concatenate([np.full((body.shape[0], 2), 0, np.uint8), part], axis=1)
    prefixed[:, 0], prefixed[:, 1] = 0x4E, 0x4C  # "NL"
    ok &= bsn | (_mod97(prefixed, np.full(body.shape[0], 14)) == 1)
    out[ok] = VALID
    out[lengths < 12] = UNDECIDED  # stdnum zero-fills a short BSN part: not modelled here
    return out


_FR_ALPHABET = np.zeros(256, dtype=bool)
_FR_ALPHABET[np.frombuffer(b"0123456789ABCDEFGHJKLMNPQRSTUVWXYZ", dtype=np.uint8)] = True


def _vat_fr(body: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    out = np.full(body.shape[0], INVALID, dtype=np.int8)
    if body.shape[1] < 11:
        body = np.pad(body, ((0, 0), (0, 11 - body.shape[1])))
    part = body[:, :11]
    ok = (lengths == 11) & _FR_ALPHABET[part[:, 0]] & _FR_ALPHABET[part[:, 1]]
    ok &= is_digit(part[:, 2:]).all(axis=1)
    d = digit_values(part).astype(np.int64)
    siren = d[:, 2:]
    ok &= (siren[:, :3].sum(axis=1) == 0) | _luhn_ok(siren)
    key_digits = is_digit(part[:, :2]).all(axis=1)
    r = np.zeros(body.shape[0], dtype=np.int64)
    for j in range(2, 11):
        r = (r * 10 + d[:, j]) % 97
    r = (r * 100 + 12) % 97
    out[ok & key_digits & (d[:, 0] * 10 + d[:, 1] == r)] = VALID
    out[ok & ~key_digits] = UNDECIDED  # letter keys: stdnum's other formula, left to it
    return out


# Member state -> (characters its stdnum module deletes, fast check of the part after the prefix).
_VAT_MODULES = {
    "DE": (b" -./,", _vat_de),
    "AT": (b" -./", _vat_at),
    "BE": (b" -./", _vat_be),
    "PL": (b" -", _vat_pl),
    "IT": (b" -:", _vat_it),
    "NL": (b" -.", _vat_nl),
    "FR": (b" -.", _vat_fr),
}
_VAT_CODES = {(ord(cc[0]) - 0x41) * 26 + ord(cc[1]) - 0x41: cc for cc in _VAT_MODULES}


def fast_vat(m: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """stdnum.eu.vat.is_valid for DE, AT, BE, PL, IT, NL and FR; other prefixes are UNDECIDED.

    As stdnum: upper case, strip, the first two characters choose the member state, whose module
    deletes its separators, drops the prefix and checks the rest.
    """
    del lengths
    m, _ = strip_spaces(upper(m))
    cc = _cc_index(m)
    out = np.full(m.shape[0], UNDECIDED, dtype=np.int8)
    for code, name in _VAT_CODES.items():
        rows = np.flatnonzero(cc == code)
        if rows.size == 0:
            continue
        deleted, check = _VAT_MODULES[name]
        body, body_len = drop_chars(m[rows], deleted)
        body = body[:, 2:] if body.shape[1] > 2 else np.zeros((rows.size, 1), dtype=np.uint8)
        out[rows] = check(body, body_len - 2)
    return out
