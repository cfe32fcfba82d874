"""A source that is not the suite's table at all: say so once, with what to do.

A file whose headers are another system's (``Kundennummer``, ``PLZ``) misses most columns the
suite reads. Reporting each expectation's missing column would print a dozen errors that all say
the same; :func:`mismatch_message` turns that case into one message naming the missing columns,
the source's headers and the ways to map them. When only a few columns are missing, each
expectation reports its own, as before.
"""

from __future__ import annotations

from collections.abc import Sequence

from kmu_dataguard.suites import SuiteSpec

__all__ = ["SHOWN_HEADERS", "mismatch_message", "suite_columns"]

#: Headers of the source listed in the message (a wide export has hundreds).
SHOWN_HEADERS = 30


def suite_columns(spec: SuiteSpec) -> list[str]:
    """Every column the suite's expectations read, once each, in suite order."""
    seen: dict[str, None] = {}
    for exp in spec.expectations:
        for column in exp.columns():
            seen.setdefault(column, None)
    return list(seen)


def mismatch_message(
    spec: SuiteSpec,
    columns: Sequence[str],
    origin: str,
    *,
    is_file: bool = True,
    can_map: bool = True,
) -> str | None:
    """One message when more than half the suite's columns are missing; else None.

    ``can_map``: the check runs from ``dataguard check``, where ``--map`` can rename headers
    (a gate's source needs a profile).
    """
    wanted = suite_columns(spec)
    present = set(columns)
    missing = [c for c in wanted if c not in present]
    if not wanted or len(missing) * 2 <= len(wanted):
        return None
    headers = [str(c) for c in columns[:SHOWN_HEADERS]]
    if len(columns) > SHOWN_HEADERS:
        headers.append(f"and {len(columns) - SHOWN_HEADERS} more")
    what = "the file" if is_file else "the table"
    example = f"{columns[0]}={missing[0]}" if columns else f"HEADER={missing[0]}"
    if not is_file:
        hint = "rename them with a connector profile (docs/profiles.md) or a query with AS"
    elif can_map:
        hint = f'map them with --map "{example},..." or a connector profile (docs/profiles.md)'
    else:
        hint = "give the source a connector profile that maps them (docs/profiles.md)"
    return (
        f"{origin}: {what}'s columns do not match suite {spec.name!r}: missing "
        f"{', '.join(missing)} ({len(missing)} of {len(wanted)}); "
        f"{what} has: {', '.join(headers) or 'no columns'}; {hint}; "
        "dataguard init proposes such a mapping from the headers and values (docs/onboarding.md)"
    )
