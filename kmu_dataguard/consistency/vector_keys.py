"""Vectorised forms of the per-value normalisers that run on (almost) unique values.

Identifiers (VAT ID, IBAN) and e-mail addresses are unique per record, so computing
:func:`~kmu_dataguard.consistency.normalize.identifier_key` and
:func:`~kmu_dataguard.consistency.normalize.email_key` once per distinct value is once per
row: ~3 µs each in Python, seconds at a million rows. Here the common, plain shapes are
decided with numpy on a ``uint8`` matrix of the values; everything else (non-ASCII, spaces,
labels, placeholders, ``mailto:``, overlong text) goes to the per-value function, once per
distinct value. ``tests/test_dedup_vector_keys.py`` holds both to the same results.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from kmu_dataguard.consistency._address_keys import postal_key, street_key
from kmu_dataguard.consistency._contact_keys import PLACEHOLDERS, email_key, identifier_key
from kmu_dataguard.consistency._folding import MAX_FIELD

__all__ = ["email_keys", "identifier_keys", "postal_keys", "street_keys"]

# A street of letters (umlauts, ß), spaces, dots and hyphens, then an ASCII house number with
# at most one letter. The name part holds no digit, so street_key finds the number right
# there: the key is street_key(name part) and the number as written (letter lower-cased).
_STREET_SPLIT = r"([A-Za-zÄÖÜäöüß .\-]*)([0-9]+) ?([A-Za-z]?)"
# Per line of values joined by newlines; ".*" takes a line of any other shape.
_STREET_LINES = re.compile(rf"^(?:{_STREET_SPLIT}|.*)$", re.MULTILINE)
_AT, _DOT = 0x40, 0x2E


def _plain_matrix(raw: np.ndarray, min_len: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rows that are ASCII str of min_len..MAX_FIELD chars, their bytes matrix and lengths."""
    n = len(raw)
    is_str = np.fromiter((type(v) is str for v in raw), dtype=bool, count=n)
    texts = np.where(is_str, raw, "")
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=n)
    ascii_text = np.fromiter(map(str.isascii, texts), dtype=bool, count=n)
    rows = np.flatnonzero(is_str & ascii_text & (lengths >= min_len) & (lengths <= MAX_FIELD))
    width = max(int(lengths[rows].max(initial=1)), 1)
    m = texts[rows].astype(f"S{width}").view(np.uint8).reshape(rows.size, width)
    return rows, m, lengths[rows]


def _str_rows(raw: np.ndarray) -> np.ndarray:
    n = len(raw)
    return np.fromiter((type(v) is str for v in raw), dtype=bool, count=n)


def _map_distinct(values: np.ndarray, judge: Callable[[Any], Any]) -> np.ndarray:
    """``judge`` of each (hashable, str) value, once per distinct value."""
    codes, uniques = pd.factorize(values)
    judged = np.empty(len(uniques), dtype=object)
    for i, value in enumerate(uniques.tolist()):  # one by one: a judge may return tuples
        judged[i] = judge(value)
    return judged[codes]


def _finish(
    raw: np.ndarray, out: np.ndarray, decided: np.ndarray, judge: Callable[[Any], Any]
) -> np.ndarray:
    cache: dict[Any, Any] = {}
    for i in np.flatnonzero(~decided).tolist():
        value = raw[i]
        try:
            hit = cache.get(value, cache)
        except TypeError:  # unhashable cell: judged by its text, as _per_distinct does
            value = str(value)
            hit = cache.get(value, cache)
        if hit is cache:
            hit = cache[value] = judge(value)
        out[i] = hit
    return out


def identifier_keys(values: Any) -> np.ndarray:
    """``identifier_key`` of each value; values of upper-case letters and digits only are
    their own key unless they carry an ``IBAN`` label, a doubled prefix, are a placeholder or
    have one repeated digit (``DE000000000``)."""
    raw = np.asarray(values, dtype=object)
    out = np.empty(len(raw), dtype=object)
    decided = np.zeros(len(raw), dtype=bool)
    rows, m, lengths = _plain_matrix(raw, 5)
    if rows.size:
        width = m.shape[1]
        inside = np.arange(width) < lengths[:, None]
        letter = (m >= 0x41) & (m <= 0x5A)
        upper_alnum = ((m >= 0x30) & (m <= 0x39)) | letter
        plain = (upper_alnum | ~inside).all(axis=1)
        iban_label = (m[:, :4] == np.frombuffer(b"IBAN", dtype=np.uint8)).all(axis=1)
        doubled = (
            letter[:, 0] & letter[:, 1] & (m[:, 2] == m[:, 0]) & (m[:, 3] == m[:, 1])
        )  # width >= 5 here
        texts = raw[rows]
        placeholder = np.isin(texts, [p.upper() for p in PLACEHOLDERS])
        # Leading letters: the first non-letter's column (the zero padding is one).
        lead = np.where(letter.all(axis=1), width, np.argmin(letter, axis=1))
        first_rest = m[np.arange(rows.size), np.minimum(lead, width - 1)]
        rest = inside & (np.arange(width) >= lead[:, None])
        one_char = ((m == first_rest[:, None]) | ~rest).all(axis=1)
        ok = plain & ~iban_label & ~doubled & ~placeholder & ~one_char
        out[rows[ok]] = texts[ok]
        decided[rows[ok]] = True
    return _finish(raw, out, decided, identifier_key)


def email_keys(values: Any) -> np.ndarray:
    """``email_key`` of each value; printable ASCII addresses without spaces, angle brackets
    or ``mailto:`` are lower-cased, or None without an ``@``, a local part or a dotted domain."""
    raw = np.asarray(values, dtype=object)
    out = np.empty(len(raw), dtype=object)
    decided = np.zeros(len(raw), dtype=bool)
    rows, m, lengths = _plain_matrix(raw, 1)
    if rows.size:
        width = m.shape[1]
        cols = np.arange(width)
        inside = cols < lengths[:, None]
        printable = (m > 0x20) & (m < 0x7F) & (m != 0x3C) & (m != 0x3E)
        plain = (printable | ~inside).all(axis=1)
        lower = np.where((m >= 0x41) & (m <= 0x5A), m + 0x20, m).astype(np.uint8)
        head = lower[:, :7] if width >= 7 else np.zeros((rows.size, 7), dtype=np.uint8)
        mailto = (head == np.frombuffer(b"mailto:", dtype=np.uint8)).all(axis=1)
        at = np.where((m == _AT) & inside, cols, -1).max(axis=1)
        dotted = ((m == _DOT) & inside & (cols > at[:, None])).any(axis=1)
        ok = plain & ~mailto
        valid = ok & (at >= 1) & dotted
        texts = lower[valid].view(f"S{width}").ravel().astype(str).astype(object)
        out[rows[valid]] = texts
        out[rows[ok & ~valid]] = None
        decided[rows[ok]] = True
    return _finish(raw, out, decided, email_key)


def street_keys(values: Any) -> tuple[np.ndarray, np.ndarray]:
    """``street_key`` of each value as two arrays (street names, house numbers).

    Streets are nearly unique because of their house numbers; split off with one regex, the
    street names are few distinct values and each is folded once.
    """
    raw = np.asarray(values, dtype=object)
    n = len(raw)
    names = np.empty(n, dtype=object)
    houses = np.empty(n, dtype=object)
    # One findall over the values joined by newlines: a (prefix, number, letter) per line,
    # ("", "", "") for a line of another shape. Values with a newline of their own are left
    # to street_key.
    plain = [type(v) is str and len(v) <= MAX_FIELD and "\n" not in v for v in raw.tolist()]
    candidates = np.flatnonzero(np.array(plain, dtype=bool))
    parts = _STREET_LINES.findall("\n".join(raw[candidates].tolist()))
    if len(parts) != candidates.size:  # never seen; the per-value path is always right
        parts = [("", "", "")] * candidates.size
    matched = np.fromiter((p[1] != "" for p in parts), dtype=bool, count=candidates.size)
    rows = candidates[matched]
    decided = np.zeros(n, dtype=bool)
    decided[rows] = True
    if rows.size:
        parts = [p for p, hit in zip(parts, matched.tolist(), strict=True) if hit]
        prefixes = np.empty(rows.size, dtype=object)
        prefixes[:] = [p[0] for p in parts]
        names[rows] = _map_distinct(prefixes, lambda t: street_key(t)[0])
        houses[rows] = [p[1] + p[2].lower() for p in parts]
    rest = np.flatnonzero(~decided)
    if rest.size:
        pairs = _finish(
            raw[rest],
            np.empty(rest.size, dtype=object),
            np.zeros(rest.size, dtype=bool),
            street_key,
        )
        names[rest] = [p[0] for p in pairs.tolist()]
        houses[rest] = [p[1] for p in pairs.tolist()]
    return names, houses


def postal_keys(values: Any, countries: Any = None) -> np.ndarray:
    """``postal_key`` of each value (with the country of each row, if given); ASCII digit
    codes of any length but 4 (the one a spreadsheet may have cut) are their own key."""
    raw = np.asarray(values, dtype=object)
    n = len(raw)
    out = np.empty(n, dtype=object)
    is_str = _str_rows(raw)
    texts = pd.Series(np.where(is_str, raw, ""), dtype=object)
    lengths = np.fromiter(map(len, texts.tolist()), dtype=np.int64, count=n)
    digits = texts.str.fullmatch(r"[0-9]+").to_numpy(dtype=bool)
    decided = is_str & digits & (lengths != 4) & (lengths <= MAX_FIELD)
    out[decided] = raw[decided]
    rest = np.flatnonzero(~decided)
    if countries is None:
        return _finish(raw, out, decided, postal_key)
    lands = np.asarray(countries, dtype=object)
    cache: dict[Any, str] = {}
    for i in rest.tolist():
        pair = (raw[i], lands[i])
        try:
            hit = cache.get(pair)
        except TypeError:  # unhashable cell
            out[i] = postal_key(*pair)
            continue
        if hit is None:
            hit = cache[pair] = postal_key(*pair)
        out[i] = hit
    return out
