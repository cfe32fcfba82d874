"""``when``: a small row condition for an override, parsed here, never evaluated as Python.

The grammar (``and`` binds clauses; values are quoted text)::

    country == 'DE'
    country != 'DE'
    country in ['DE', 'AT']
    country not in ['DE', 'AT']
    vat_id is empty            (no value: NULL, an empty CSV cell)
    vat_id is not empty
    country == 'DE' and vat_id is not empty

:func:`parse_when` turns it into Great Expectations' structured row condition (plain data: a
``comparison``, ``nullity`` or ``and`` mapping), which GX applies the same way to a DataFrame
and in SQL; this module does not import GX.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["GRAMMAR", "ConditionSyntaxError", "condition_columns", "parse_when"]

#: One line for messages: what a ``when`` may say.
GRAMMAR = (
    "column == 'text', column != 'text', column in ['A', 'B'], column not in ['A', 'B'], "
    "column is empty, column is not empty, joined with 'and'"
)

MAX_CLAUSES = 20

_TOKEN = re.compile(
    r"""\s*(?:
        (?P<string>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")
      | (?P<op>==|!=|\[|\]|,)
      | (?P<word>[A-Za-z_][A-Za-z0-9_.]*)
    )""",
    re.VERBOSE,
)
_KEYWORDS = frozenset({"and", "in", "not", "is", "empty"})


class ConditionSyntaxError(ValueError):
    """A ``when`` that is not in the grammar; the message says where and what is allowed."""


def parse_when(text: str) -> dict[str, Any]:
    """The GX structured row condition for ``text``; ConditionSyntaxError if it is not one."""
    tokens = _tokenize(text)
    clauses: list[dict[str, Any]] = []
    pos = 0
    while True:
        clause, pos = _clause(tokens, pos)
        clauses.append(clause)
        if pos == len(tokens):
            break
        if tokens[pos] != ("word", "and"):
            raise ConditionSyntaxError(f"expected 'and' or the end, found {tokens[pos][1]!r}")
        pos += 1
    if len(clauses) > MAX_CLAUSES:
        raise ConditionSyntaxError(f"{len(clauses)} clauses; use at most {MAX_CLAUSES}")
    return clauses[0] if len(clauses) == 1 else {"type": "and", "conditions": clauses}


def condition_columns(condition: dict[str, Any]) -> list[str]:
    """The columns a parsed condition reads."""
    if condition.get("type") == "and":
        return [c for part in condition["conditions"] for c in condition_columns(part)]
    return [str(condition["column"]["name"])]


def _tokenize(text: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    pos = 0
    text = text.rstrip()
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None or match.end() == pos:
            raise ConditionSyntaxError(f"cannot read {text[pos:].strip()[:20]!r}")
        kind = match.lastgroup or ""
        value = match.group(kind)
        if kind == "string":
            value = re.sub(r"\\(.)", r"\1", value[1:-1])
        tokens.append((kind, value))
        pos = match.end()
    if not tokens:
        raise ConditionSyntaxError("the condition is empty")
    return tokens


def _clause(tokens: list[tuple[str, str]], pos: int) -> tuple[dict[str, Any], int]:
    def at(i: int) -> tuple[str, str]:
        return tokens[i] if i < len(tokens) else ("end", "the end")

    kind, column = at(pos)
    if kind != "word" or column in _KEYWORDS:
        raise ConditionSyntaxError(f"expected a column name, found {column!r}")
    named = {"column": {"name": column}}
    kind, word = at(pos + 1)
    if (kind, word) in (("op", "=="), ("op", "!=")):
        value_kind, value = at(pos + 2)
        if value_kind != "string":
            raise ConditionSyntaxError(f"expected quoted text after {word!r}, found {value!r}")
        return {"type": "comparison", **named, "operator": word, "parameter": value}, pos + 3
    if (kind, word) == ("word", "in"):
        values, end = _list(tokens, pos + 2)
        return {"type": "comparison", **named, "operator": "IN", "parameter": values}, end
    if (kind, word) == ("word", "not") and at(pos + 2) == ("word", "in"):
        values, end = _list(tokens, pos + 3)
        return {"type": "comparison", **named, "operator": "NOT_IN", "parameter": values}, end
    if (kind, word) == ("word", "is"):
        negated = at(pos + 2) == ("word", "not")
        if at(pos + 2 + negated) == ("word", "empty"):
            return {"type": "nullity", **named, "is_null": not negated}, pos + 3 + negated
    raise ConditionSyntaxError(f"expected ==, !=, in, not in, is empty after {column!r}")


def _list(tokens: list[tuple[str, str]], pos: int) -> tuple[list[str], int]:
    if pos >= len(tokens) or tokens[pos] != ("op", "["):
        raise ConditionSyntaxError("expected a list such as ['DE', 'AT'] after 'in'")
    values: list[str] = []
    pos += 1
    while True:
        kind, value = tokens[pos] if pos < len(tokens) else ("end", "the end")
        if kind != "string":
            raise ConditionSyntaxError(f"expected quoted text in the list, found {value!r}")
        values.append(value)
        kind, value = tokens[pos + 1] if pos + 1 < len(tokens) else ("end", "the end")
        pos += 2
        if (kind, value) == ("op", "]"):
            return values, pos
        if (kind, value) != ("op", ","):
            raise ConditionSyntaxError(f"expected ',' or ']' in the list, found {value!r}")
