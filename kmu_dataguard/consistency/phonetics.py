"""Kölner Phonetik (Postel 1969): the German standard phonetic code for names.

"Meier", "Maier", "Mayer" and "Meyer" all become ``67``; "Schmidt" and "Schmitt" ``862``. The
duplicate finder uses it as a blocking key, computed once per *distinct* word (callers cache),
so a table of a million partners costs only as many calls as it has different name words.
"""

from __future__ import annotations

import re
from functools import lru_cache

__all__ = ["cologne_phonetic", "cologne_phonetic_raw"]

_VOWELS = frozenset("AEIJOUY")
_FOLD = str.maketrans({"Ä": "A", "Ö": "O", "Ü": "U", "ß": "S", "ẞ": "S"})
# Words longer than this are not names; a hostile 10 kB cell must not cost 10 kB of work.
_MAX_WORD = 64


def cologne_phonetic_raw(word: str) -> str:
    """The code of every letter before collapsing (``Müller-Lüdenscheidt`` → ``60550750206880022``).

    Letters other than A–Z (after folding umlauts) are ignored, like the hyphen in the example.
    """
    letters = [c for c in word.upper().translate(_FOLD)[:_MAX_WORD] if "A" <= c <= "Z"]
    codes: list[str] = []
    for i, c in enumerate(letters):
        prev = letters[i - 1] if i > 0 else ""
        nxt = letters[i + 1] if i + 1 < len(letters) else ""
        if c in _VOWELS:
            codes.append("0")
        elif c == "H":
            continue
        elif c == "B":
            codes.append("1")
        elif c == "P":
            codes.append("3" if nxt == "H" else "1")
        elif c in "DT":
            codes.append("8" if nxt in ("C", "S", "Z") and nxt else "2")
        elif c in "FVW":
            codes.append("3")
        elif c in "GKQ":
            codes.append("4")
        elif c == "C":
            if i == 0:
                codes.append("4" if nxt and nxt in "AHKLOQRUX" else "8")
            elif prev in ("S", "Z"):
                codes.append("8")
            else:
                codes.append("4" if nxt and nxt in "AHKOQUX" else "8")
        elif c == "X":
            codes.append("8" if prev in ("C", "K", "Q") and prev else "48")
        elif c == "L":
            codes.append("5")
        elif c in "MN":
            codes.append("6")
        elif c == "R":
            codes.append("7")
        elif c in "SZ":
            codes.append("8")
    return "".join(codes)


# The rules above as tables for many words at once (batch_text.cologne_phonetics): the letters
# whose code depends on a neighbour are coded by one regex pass, whose lookarounds see letters,
# not codes already written; every other letter by one translate table. One word per line.
_IN_CONTEXT_LINES = re.compile(
    r"(P(?=H))"  # PH is F
    r"|([DT](?=[CSZ]))"
    r"|(^C(?=[AHKLOQRUX]))"  # a word's first letter
    r"|((?<=[SZ])C)"
    r"|(C(?=[AHKOQUX]))"
    r"|((?<=[CKQ])X)",
    re.MULTILINE,
)
#: The code of each group of _IN_CONTEXT_LINES (group numbers from 1).
_CONTEXT_CODES = ("", "3", "8", "4", "8", "4", "8")
_PLAIN_CODES = str.maketrans(
    {
        **dict.fromkeys("AEIJOUY", "0"),
        "H": "",
        **dict.fromkeys("BP", "1"),
        **dict.fromkeys("DT", "2"),
        **dict.fromkeys("FVW", "3"),
        **dict.fromkeys("GKQ", "4"),
        "C": "8",
        "X": "48",
        "L": "5",
        **dict.fromkeys("MN", "6"),
        "R": "7",
        **dict.fromkeys("SZ", "8"),
    }
)


@lru_cache(maxsize=65536)
def cologne_phonetic(word: str) -> str:
    """Kölner Phonetik: ``Wikipedia`` → ``3412``, ``Müller-Lüdenscheidt`` → ``65752682``.

    Adjacent equal digits collapse to one, then every ``0`` except a leading one is dropped.
    An empty string comes back for a word without letters.
    """
    raw = cologne_phonetic_raw(word)
    collapsed = [d for i, d in enumerate(raw) if i == 0 or d != raw[i - 1]]
    return "".join(d for i, d in enumerate(collapsed) if d != "0" or i == 0)
