"""Why records were joined or judged inconsistent, in English and German, from one table.

Duplicate detection and reference rules write a reason in English (``reason_text``): it is
what the JSON output carries, stable for scripts. The steward outputs show it in the run's
language (``localize``): each English template below doubles as the pattern that recognises
its reasons, so a reason and its translation cannot drift apart. A cluster joins several
reasons with ``"; "``; each part is translated on its own, an unknown part stays as it is.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

__all__ = ["localize", "reason_text"]

# key: (English, German). Placeholders: {score} a similarity 0..1 written with two decimals;
# {col_a}/{col_b} column names (shown by their label); any other value is shown as it is.
# Longer, more specific templates first: the first that matches a reason translates it.
_TEMPLATES: dict[str, tuple[str, str]] = {
    "same_email_name": (
        "same e-mail and similar name ({score})",
        "gleiche E-Mail-Adresse und ähnlicher Name ({score})",
    ),
    "same_address": (
        "similar name ({score}) at same address {where}, {postal}",
        "ähnlicher Name ({score}) unter gleicher Anschrift {where}, {postal}",
    ),
    "same_postal": (
        "similar name ({score}) at same postal code {postal}",
        "ähnlicher Name ({score}) mit gleicher PLZ {postal}",
    ),
    "same_company": (
        "similar name ({score}) at same company {company}",
        "ähnlicher Name ({score}) bei gleicher Firma {company}",
    ),
    "same_city_street": (
        "similar name ({score}) in same city {city}, same street",
        "ähnlicher Name ({score}) im gleichen Ort {city}, gleiche Straße",
    ),
    "same_domain": (
        "similar name ({score}) with same e-mail domain {domain}",
        "ähnlicher Name ({score}) mit gleicher E-Mail-Domain {domain}",
    ),
    "same_identifier": ("same {what}", "gleiche {what}"),
    "email_domain": ("e-mail domain {a} vs {b}", "E-Mail-Domain {a} vs. {b}"),
    "legal_form": ("legal form {a} vs {b}", "Rechtsform {a} vs. {b}"),
    "different_numbers": ("different numbers", "unterschiedliche Nummern im Namen"),
    "only_one": ("only one is {word}", "nur einer enthält {word}"),
    "differs": ("{col_a} differs from {col_b}", "{col_a} weicht von {col_b} ab"),
    "similar_values": (
        "{col_a} {a} vs {col_b} {b} ({score})",
        "{col_a} {a} vs. {col_b} {b} ({score})",
    ),
    "similar": ("{col_a} vs {col_b} ({score})", "{col_a} und {col_b} ({score})"),
    "values": ("{col_a} {a} vs {col_b} {b}", "{col_a} {a} vs. {col_b} {b}"),
}

# Words a template puts into {what}: the identifiers duplicates are found by.
_WORDS_DE = {
    "VAT ID": "USt-IdNr.",
    "tax number": "Steuernummer",
    "e-mail": "E-Mail-Adresse",
}
_PLACEHOLDER = re.compile(r"\{(\w+)\}")
# What a placeholder may match (default: any text); narrow ones keep free text untranslated.
_VALUE = {"score": r"\d\.\d\d", "what": r"[\w.-]+(?: [\w.-]+)?", "word": r"'[^']*'"}


def reason_text(key: str, **values: Any) -> str:
    """The English reason ``key`` with ``values`` filled in (``score`` as a float)."""
    if "score" in values:
        values["score"] = f"{float(values['score']):.2f}"
    return _TEMPLATES[key][0].format(**values)


def localize(reason: str, lang: str) -> str:
    """``reason`` (as :func:`reason_text` wrote it, possibly several joined by ``"; "``) in
    ``lang``."""
    if lang != "de" or not reason:
        return reason
    return "; ".join(_localize_part(part) for part in reason.split("; "))


def _localize_part(part: str) -> str:
    for key, pattern in _patterns():
        found = pattern.fullmatch(part)
        if found:
            return _TEMPLATES[key][1].format(**_german(found.groupdict()))
    return part


def _german(values: dict[str, str]) -> dict[str, str]:
    from kmu_dataguard.entities import column_label

    out = {}
    for name, value in values.items():
        if name == "score":
            value = value.replace(".", ",")
        elif name.startswith("col_"):
            value = column_label(value, "de")
        elif name == "what":
            value = _WORDS_DE.get(value, value)
        out[name] = value
    return out


@cache
def _patterns() -> list[tuple[str, re.Pattern[str]]]:
    """Each English template as a regex: text literal, placeholders as lazy groups."""
    compiled = []
    for key, (english, _) in _TEMPLATES.items():
        pieces, end = [], 0
        for found in _PLACEHOLDER.finditer(english):
            pieces.append(re.escape(english[end : found.start()]))
            name = found.group(1)
            pieces.append(rf"(?P<{name}>{_VALUE.get(name, '.+?')})")
            end = found.end()
        pieces.append(re.escape(english[end:]))
        compiled.append((key, re.compile("".join(pieces), re.DOTALL)))
    return compiled
