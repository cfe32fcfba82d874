"""What ``dataguard history`` prints: one line per run and one per check (German or English), or
the JSON document of ``schemas/history-v1.schema.json``.

The text speaks the console summary's words (verdict labels, "records with problems"); times are
in the machine's time zone. Its few texts of its own live here, beside the only code using them.
"""

from __future__ import annotations

import json

from kmu_dataguard.history.query import CheckEntry, RunEntry, RunListing
from kmu_dataguard.paths import builtin_dir
from kmu_dataguard.report.i18n import Lang, Texts, format_datetime, format_number

__all__ = ["HISTORY_SCHEMA", "render_history_json", "render_history_text"]

#: The JSON Schema of the document below (shipped with the package; the tests validate every
#: document they print against it).
HISTORY_SCHEMA = builtin_dir("schemas") / "history-v1.schema.json"

#: Failing expectations named per check line (the JSON has every count).
SHOWN_EXPECTATIONS = 5

# key: (German, English)
_TEXTS: dict[str, tuple[str, str]] = {
    "title.all": ("Verlauf", "Run history"),
    "title.gate": ("Verlauf von {gate}", "Run history of {gate}"),
    "runs": ("{n} Läufe, neueste zuerst", "{n} runs, newest first"),
    "run": ("1 Lauf", "1 run"),
    "since": ("seit {since}", "since {since}"),
    "store": ("Speicher", "store"),
    "none_yet": (
        "Noch kein Verlauf in {store}: zuerst einen Prüfpunkt ausführen (dataguard gate NAME).",
        "No history yet at {store}: run a gate first (dataguard gate NAME).",
    ),
    "no_runs": ("Keine aufgezeichneten Läufe.", "No recorded runs."),
    "more": (
        "Ältere Läufe: --limit oder --since zeigt mehr.",
        "Older runs: --limit or --since shows more.",
    ),
    "failing": ("{n} Datensätze mit Fehlern", "{n} records with problems"),
    "failing.one": ("1 Datensatz mit Fehlern", "1 record with problems"),
    "of_rows": ("{n} von {rows} Datensätzen mit Fehlern", "{n} of {rows} records with problems"),
    "change": ("+{new} neu, {fixed} behoben", "+{new} new, {fixed} fixed"),
    "unchanged": ("unverändert", "unchanged"),
    "first": ("erster Lauf", "first run"),
    "not_evaluated": ("nicht geprüft", "not evaluated"),
    "more_expectations": ("und {n} weitere", "and {n} more"),
}


def render_history_json(listing: RunListing, error: str | None = None) -> str:
    return json.dumps(listing.to_dict(error), ensure_ascii=False, indent=2)


def render_history_error_json(message: str, exit_code: int) -> str:
    """The empty listing with ``error`` set, for a command line that could not be read."""
    return render_history_json(RunListing(store=None, found=False), error=message)


def render_history_text(listing: RunListing, lang: Lang) -> str:
    t = _Texts(lang)
    if not listing.found:
        return t("none_yet", store=listing.store)
    lines = [_title(listing, t)]
    if not listing.runs:
        lines.append(t("no_runs"))
    for run in listing.runs:
        lines.append("")
        lines.append(_run_line(run, t))
        lines.extend(_check_line(check, t) for check in run.checks)
    if listing.more:
        lines.append("")
        lines.append(t("more"))
    return "\n".join(lines)


class _Texts:
    """The console's texts (verdict labels) and the few of this output."""

    def __init__(self, lang: Lang) -> None:
        self.lang = lang
        self._console = Texts(lang)
        self._own = {k: v[0 if lang == "de" else 1] for k, v in _TEXTS.items()}

    def __call__(self, key: str, **values: object) -> str:
        if key not in self._own:
            return self._console(key, **values)
        return self._own[key].format(**values) if values else self._own[key]

    def n(self, value: int) -> str:
        return format_number(value, self.lang)


def _title(listing: RunListing, t: _Texts) -> str:
    title = t("title.gate", gate=listing.subject) if listing.subject else t("title.all")
    parts = [t("run") if len(listing.runs) == 1 else t("runs", n=t.n(len(listing.runs)))]
    if listing.since is not None:
        parts.append(t("since", since=format_datetime(listing.since, t.lang)))
    return f"{title}: {', '.join(parts)} ({t('store')} {listing.store})"


def _run_line(run: RunEntry, t: _Texts) -> str:
    failing = (
        t("failing.one") if run.failing_records == 1 else t("failing", n=t.n(run.failing_records))
    )
    change = _change(run.new_failing, run.fixed, all(c.change_complete for c in run.checks), t)
    return (
        f"{format_datetime(run.started_at, t.lang)}  {run.subject}  "
        f"{t(f'verdict.{run.verdict}')} (exit {run.exit_code})  {failing}, {change}  "
        f"[{run.run_id}]"
    )


def _check_line(check: CheckEntry, t: _Texts) -> str:
    counts = t("of_rows", n=t.n(check.failing_records), rows=t.n(check.rows))
    if not check.keys_complete:
        counts = "≥ " + counts
    what = f"    {check.name}  {t(f'verdict.{check.verdict}')}  {counts}"
    if check.previous_run is not None:
        what += ", " + _change(check.new_failing, check.fixed, check.change_complete, t)
    failed = [(i, n) for i, n in check.expectations.items() if n is None or n > 0]
    if failed:
        # "name_present 3": the check's name before the id is on the line already
        named = [
            f"{i.removeprefix(check.name + '.')} {t('not_evaluated') if n is None else t.n(n)}"
            for i, n in failed
        ]
        shown = named[:SHOWN_EXPECTATIONS]
        if len(named) > SHOWN_EXPECTATIONS:
            shown.append(t("more_expectations", n=len(named) - SHOWN_EXPECTATIONS))
        what += "; " + ", ".join(shown)
    return what


def _change(new: int | None, fixed: int | None, complete: bool, t: _Texts) -> str:
    if new is None or fixed is None:
        return t("first")
    if new == 0 and fixed == 0:
        text = t("unchanged")
    else:
        text = t("change", new=t.n(new), fixed=t.n(fixed))
    return text if complete else "≈ " + text
