"""Folding text for comparison: case, umlauts in all three spellings, accents, punctuation.

``Müller``, ``Mueller`` and ``Muller`` all fold to ``muller``; every other comparison key
(names, legal forms, streets, cities) starts from folded text.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any

__all__ = [
    "DIGRAPHS",
    "MAX_FIELD",
    "NON_ALNUM",
    "SINGLE_LETTER_DOT",
    "UMLAUTS",
    "cell_text",
    "first_group",
    "fold",
    "fold_text",
]

# Master-data fields are short; anything longer is cut before any work is done on it.
MAX_FIELD = 200

UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "ẞ": "ss", "&": " und "})
# After ä→ae, the three spellings of Müller differ only in ae/oe/ue vs a/o/u: fold them all.
# On folded text ([a-z0-9] words, single spaces): after a letter or at a word's start.
DIGRAPHS = re.compile(r"(?<![0-9])([aou])e")
SINGLE_LETTER_DOT = re.compile(r"\b([a-z])\.")
NON_ALNUM = re.compile(r"[^a-z0-9]+")


def cell_text(value: Any) -> str:
    """A cell as stripped text, ``""`` for None/NaN/NA and anything that is not text-like."""
    if value is None:
        return ""
    if isinstance(value, bytes | bytearray):
        value = bytes(value).decode("utf-8", errors="replace")
    elif not isinstance(value, str):
        if isinstance(value, float) and value != value:  # NaN
            return ""
        try:
            import pandas as pd

            if pd.isna(value):
                return ""
        except (TypeError, ValueError):
            pass
        value = str(value)
    return value[:MAX_FIELD].strip()


@lru_cache(maxsize=262144)
def fold_text(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).lower().translate(UMLAUTS)
    if not text.isascii():  # accents (é, ç; ł is left as is) go, the base letter stays
        text = "".join(
            c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)
        )
    text = SINGLE_LETTER_DOT.sub(r"\1", text)  # e.K. → ek, G.m.b.H. → gmbh, S.A.R.L. → sarl
    return DIGRAPHS.sub(first_group, NON_ALNUM.sub(" ", text).strip())


def first_group(match: re.Match[str]) -> str:
    return match.group(1)


def fold(value: Any) -> str:
    """Lower case, umlauts in every spelling and accents folded, punctuation to single spaces."""
    return fold_text(cell_text(value))
