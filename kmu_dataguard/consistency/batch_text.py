"""Text normalisers of duplicate detection over many values at once.

Partner names are nearly unique, so :func:`~kmu_dataguard.consistency.normalize.fold` and
Kölner Phonetik (of each new name word) run about once per row: some 10 µs of Python calls
per name, the largest cost of duplicate detection. Here the values are joined by newlines
into one string, every step (Unicode normalisation, case, regular expressions, translate
tables) runs once over that string in C, and it is split again: half the time. Name keys
gain nothing this way: their legal-form regex costs as much over the joined text.

Each step treats a newline as the end of one text and the start of the next, so the result is
the per-value one; a value that holds a newline itself takes the per-value function.
``tests/test_dedup_batch_text.py`` holds both to the same results on arbitrary text.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence

from kmu_dataguard.consistency._folding import (
    DIGRAPHS,
    SINGLE_LETTER_DOT,
    UMLAUTS,
    first_group,  # a function: faster than the template r"\1" in re.sub
    fold_text,
)
from kmu_dataguard.consistency.phonetics import (
    _CONTEXT_CODES,
    _FOLD,
    _IN_CONTEXT_LINES,
    _MAX_WORD,
    _PLAIN_CODES,
    cologne_phonetic,
)

__all__ = ["by_lines", "cologne_phonetics", "fold_texts"]

NON_ALNUM = re.compile(r"[^a-z0-9\n]+")
_UMLAUT_SPELLINGS = [(chr(k), v) for k, v in UMLAUTS.items()]
# Bytes: a-z, 0-9 and the newline stay, every other byte becomes a space.
_ALNUM_OR_SPACE = bytes(
    b if chr(b) in "abcdefghijklmnopqrstuvwxyz0123456789\n" else 0x20 for b in range(256)
)
_SPACE_RUNS = re.compile(rb" {2,}")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_LINE_EDGE_SPACES = re.compile(r" *\n *")
_NOT_LETTER = re.compile(r"[^A-Z\n]+")
_REPEATS = re.compile(r"(\d)\1+")
_INNER_ZERO = re.compile(r"(?<=\d)0")
# str.upper may make one character three; longer words take the per-word path, which cuts.
_MAX_BATCH_WORD = _MAX_WORD // 3


def by_lines(
    texts: Sequence[str],
    on_joined: Callable[[str], str],
    on_one: Callable[[str], str],
    fits: Callable[[str], bool] | None = None,
) -> list[str]:
    """``on_one`` of each text, computed as ``on_joined`` of all texts joined by newlines.

    Texts holding a newline (or failing ``fits``) go to ``on_one`` one by one.
    """
    texts = list(texts)
    alone = {i for i, t in enumerate(texts) if "\n" in t or (fits is not None and not fits(t))}
    batch = [t for i, t in enumerate(texts) if i not in alone] if alone else texts
    out = on_joined("\n".join(batch)).split("\n") if batch else []
    if len(out) != len(batch):  # a step made or ate a newline: never seen, but never wrong
        out = [on_one(t) for t in batch]
    if not alone:
        return out
    joined = iter(out)
    return [on_one(t) if i in alone else next(joined) for i, t in enumerate(texts)]


# ------------------------------------------------------------------ fold (_folding.fold_text)


def fold_texts(texts: Sequence[str]) -> list[str]:
    """``normalize.fold`` of each text (already stripped and cut, as ``_folding.cell_text``)."""
    return by_lines(texts, _fold_joined, fold_text)


def _fold_joined(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).lower()
    for char, spelled in _UMLAUT_SPELLINGS:  # str.replace: far faster than translate to 2 chars
        text = text.replace(char, spelled)
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
        marks = {c for c in set(_NON_ASCII.findall(text)) if unicodedata.combining(c)}
        if marks:
            text = text.translate(dict.fromkeys(map(ord, marks)))
    text = SINGLE_LETTER_DOT.sub(first_group, text)
    if text.isascii():  # punctuation to spaces by a byte table, then runs of spaces to one
        text = _SPACE_RUNS.sub(b" ", text.encode("ascii").translate(_ALNUM_OR_SPACE)).decode()
    else:
        text = NON_ALNUM.sub(" ", text)
    text = _LINE_EDGE_SPACES.sub("\n", text).strip(" ")
    return DIGRAPHS.sub(first_group, text)


# ------------------------------------------------------------ Kölner Phonetik (phonetics.py)


def cologne_phonetics(words: Sequence[str]) -> list[str]:
    """``phonetics.cologne_phonetic`` of each word."""
    return by_lines(
        words, _cologne_joined, cologne_phonetic, fits=lambda w: len(w) <= _MAX_BATCH_WORD
    )


def _cologne_joined(text: str) -> str:
    letters = _NOT_LETTER.sub("", text.upper().translate(_FOLD))
    raw = _IN_CONTEXT_LINES.sub(_context_code, letters).translate(_PLAIN_CODES)
    return _INNER_ZERO.sub("", _REPEATS.sub(r"\1", raw))


def _context_code(match: re.Match[str]) -> str:
    return _CONTEXT_CODES[match.lastindex or 0]
