"""Text helpers of the suggestions: cells as text, lookup keys, no exception escapes."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from typing import Any, ParamSpec, TypeVar

from kmu_dataguard.consistency._folding import fold_text
from kmu_dataguard.validators._common import MAX_TEXT_LENGTH, as_text, is_missing

__all__ = ["fold", "plain_text", "safely", "unambiguous"]

_P = ParamSpec("_P")
_T = TypeVar("_T")


def plain_text(value: Any) -> str | None:
    """The cell as text, or None when it is missing or too long to be a master-data value."""
    if is_missing(value):
        return None
    text = as_text(value)
    return None if len(text) > MAX_TEXT_LENGTH else text


def fold(text: str) -> str:
    """Lower case, umlauts and accents folded, punctuation to single spaces (the duplicate
    finder's folding): ``Österreich``, ``OESTERREICH`` and ``Osterreich`` agree."""
    return fold_text(text)


def unambiguous(pairs: Iterable[tuple[str, str]], ambiguous: Iterable[str] = ()) -> dict[str, str]:
    """Folded name → code, without the names that lead to two codes (or are listed as
    ``ambiguous``): a name with two answers gets no suggestion."""
    found: dict[str, set[str]] = {}
    for name, code in pairs:
        key = fold(name)
        if key:
            found.setdefault(key, set()).add(code)
    blocked = {fold(name) for name in ambiguous}
    return {k: next(iter(v)) for k, v in found.items() if len(v) == 1 and k not in blocked}


def safely(function: Callable[_P, _T | None]) -> Callable[_P, _T | None]:
    """``function`` returning None instead of raising: whatever a library throws on hostile
    text means "no suggestion", never a failed run."""

    @functools.wraps(function)
    def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _T | None:
        try:
            return function(*args, **kwargs)
        except Exception:
            return None

    return wrapper
