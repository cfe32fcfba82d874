"""German and English for the steward outputs: the language choice, the texts, numbers and dates.

Babel is not a dependency: two languages need only the thousands/decimal separators and one
date pattern each, so numbers and dates are formatted by hand here.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from kmu_dataguard.results import ExpectationOutcome

__all__ = [
    "LANGS",
    "Lang",
    "Texts",
    "format_datetime",
    "format_number",
    "format_percent",
    "problem_text",
    "resolve_lang",
    "texts",
]

Lang = Literal["de", "en"]
LANGS: tuple[Lang, ...] = ("de", "en")


def resolve_lang(
    option: str | None = None,
    configured: str | None = None,
    environ: Mapping[str, str] | None = None,
) -> Lang:
    """``--lang``, else the config's ``lang``, else the locale (LC_ALL, LC_MESSAGES, LANG)."""
    for value in (option, configured):
        if value in LANGS:
            return value  # type: ignore[return-value]
    env = os.environ if environ is None else environ
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name)
        if value:  # the first one set decides, as in POSIX
            return "de" if value.lower().startswith("de") else "en"
    return "en"


def format_number(value: float | int, lang: Lang, decimals: int = 0) -> str:
    """1.234,5 (de) or 1,234.5 (en)."""
    text = f"{value:,.{decimals}f}"
    if lang == "de":
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text


def format_percent(value: float, lang: Lang) -> str:
    """Percentages with one decimal; a tiny non-zero share never shows as 0,0 %."""
    if 0 < value < 0.05:
        return ("< 0,1 %" if lang == "de" else "< 0.1 %").replace(" ", "\u00a0")
    return format_number(value, lang, 1) + "\u00a0%"


def format_datetime(moment: datetime, lang: Lang) -> str:
    """28.11.2026 14:03 (de) or 2026-11-28 14:03 (en), in the machine's local time zone."""
    local = moment.astimezone()
    pattern = "%d.%m.%Y %H:%M" if lang == "de" else "%Y-%m-%d %H:%M"
    zone = local.tzname() or ""
    return f"{local.strftime(pattern)} {zone}".strip()


class Texts:
    """The texts of one language; ``t("key", **values)`` formats one."""

    def __init__(self, lang: Lang) -> None:
        self.lang = lang
        self._table = {k: v[0 if lang == "de" else 1] for k, v in _TEXTS.items()}

    def __call__(self, key: str, **values: Any) -> str:
        text = self._table[key]
        return text.format(**values) if values else text

    def pick(self, value: Any) -> str:
        """A suite text ``{"de": ..., "en": ...}`` (or a plain string) in this language."""
        if isinstance(value, Mapping):
            found = value.get(self.lang) or value.get("en") or value.get("de")
            return "" if found is None else str(found)
        return "" if value is None else str(value)


def texts(lang: Lang) -> Texts:
    return Texts(lang)


def problem_text(outcome: ExpectationOutcome, t: Texts, headers: Mapping[str, str]) -> str:
    """What broke, as the steward reads it: ``IBAN: ungültig``, ``PLZ: falsches Format``
    (the column by the source's header or its label, the phrase from the validator catalog)."""
    from kmu_dataguard.entities import column_label
    from kmu_dataguard.validators.catalog import problem_label

    phrase = problem_label(outcome.type, t.lang)
    column = (outcome.column or "").split(",")[0]
    return f"{column_label(column, t.lang, headers)}: {phrase}" if column else phrase


# key: (German, English)
_TEXTS: dict[str, tuple[str, str]] = {
    "verdict.pass": ("FREIGEGEBEN", "PASS"),
    "verdict.warn": ("WARNUNG", "WARN"),
    "verdict.blocked": ("BLOCKIERT", "BLOCKED"),
    "verdict.error": ("FEHLER", "ERROR"),
    "meaning.pass": (
        "Die Stammdaten sind in Ordnung. Der Ablauf darf starten.",
        "The master data is fine. The workflow may run.",
    ),
    "meaning.warn": (
        "Der Ablauf darf starten. Einige Datensätze sollten bald korrigiert werden.",
        "The workflow may run. Some records should be corrected soon.",
    ),
    "meaning.blocked": (
        "Der Ablauf wurde angehalten. Bitte korrigieren Sie die unten genannten Datensätze "
        "und starten Sie die Prüfung danach erneut.",
        "The workflow has been stopped. Please correct the records listed below, "
        "then run the check again.",
    ),
    "meaning.error": (
        "Die Daten konnten nicht vollständig geprüft werden. Der Ablauf darf sich nicht darauf "
        "verlassen. Bitte geben Sie die Meldungen unten an die IT weiter.",
        "The data could not be checked completely. The workflow must not rely on it. "
        "Please pass the messages below to IT.",
    ),
    "title": ("Stammdaten-Prüfung", "Master data check"),
    "gate": ("Prüfpunkt", "Gate"),
    "adhoc": ("Einzelprüfung", "Ad-hoc check"),
    "checked_at": ("Geprüft am", "Checked at"),
    "duration": ("Dauer", "Duration"),
    "seconds": ("{n} s", "{n} s"),
    "sources": ("Quellen", "Sources"),
    "blocks_on": ("Blockiert bei", "Blocks on"),
    "blocks_on.critical": ("kritischen Fehlern", "critical problems"),
    "blocks_on.warning": ("kritischen Fehlern und Warnungen", "critical problems and warnings"),
    "overview": ("Übersicht", "Overview"),
    "check": ("Prüfung", "Check"),
    "source": ("Quelle", "Source"),
    "n_rows": ("{n} Datensätze", "{n} records"),
    "result": ("Ergebnis", "Result"),
    # Three different counts, named so nobody mistakes one for another.
    "rows": ("Datensätze", "Records"),
    "problems": ("Verletzte Regeln", "Rules broken"),
    "affected": ("Datensätze mit Fehlern", "Records with problems"),
    "entries": ("Fehler", "Problems"),
    "records_and_problems": (
        "Datensätze: {records}, Fehler: {problems}",
        "records: {records}, problems: {problems}",
    ),
    "lists": ("Fehlerlisten", "Lists of records"),
    "no_list": ("keine", "none"),
    "could_not_validate": ("Nicht geprüft", "Could not be checked"),
    "run_error": ("Gesamter Lauf", "Whole run"),
    "what_failed": ("Was nicht stimmt", "What is wrong"),
    "severity": ("Schwere", "Severity"),
    "severity.critical": ("kritisch", "critical"),
    "severity.warning": ("Warnung", "warning"),
    "rule": ("Regel", "Rule"),
    "overridden": ("angepasst in dataguard.yml", "changed in dataguard.yml"),
    "why": ("Warum es wichtig ist", "Why it matters"),
    "field": ("Feld", "Field"),
    "count": ("Anzahl", "Count"),
    "share": ("Anteil", "Share"),
    "observed": ("festgestellt", "observed"),
    "could_not_evaluate": ("konnte nicht geprüft werden", "could not be checked"),
    "records_to_fix": ("Zu korrigierende Datensätze", "Records to correct"),
    "value": ("Wert", "Value"),
    "problem": ("Problem", "Problem"),
    "empty": ("(leer)", "(empty)"),
    "filter": ("Filtern …", "Filter …"),
    "filter_label": ("Liste filtern", "Filter the list"),
    "shown_capped": (
        "Die Seite zeigt die ersten {shown} von {total} Einträgen; die vollständige Liste steht "
        "in der Excel-/CSV-Datei.",
        "This page shows the first {shown} of {total} entries; the complete list is in the "
        "Excel/CSV file.",
    ),
    "keys_truncated": (
        "Die Liste der Datensätze wurde bei der Prüfung gekürzt (--max-keys).",
        "The list of records was shortened when checking (--max-keys).",
    ),
    "groups": ("Zusammengehörige Datensätze", "Related records"),
    "groups_capped": (
        "Die Seite zeigt {shown} von {total} Gruppen; {more} weitere stehen in der "
        "Excel-/CSV-Datei.",
        "This page shows {shown} of {total} groups; {more} more are in the Excel/CSV file.",
    ),
    "group_keys_capped": ("und {more} weitere in der Liste", "and {more} more in the list"),
    "xlsx_split": (
        "Die Excel-Datei verteilt die {total} Einträge auf {sheets} Blätter (ein Excel-Blatt fasst "
        "1.048.575 Zeilen); die CSV-Datei enthält alle in einer Datei.",
        "The Excel file spreads the {total} entries over {sheets} sheets (an Excel sheet holds "
        "1,048,575 rows); the CSV file holds all of them in one file.",
    ),
    "xlsx.continued": (
        "Diese Liste hat {total} Zeilen, mehr als ein Excel-Blatt fasst: sie geht auf den "
        "Blättern {sheets} weiter. Die CSV-Datei enthält alle Zeilen in einer Datei.",
        "This list has {total} rows, more than an Excel sheet holds: it continues on the sheets "
        "{sheets}. The CSV file holds every row in one file.",
    ),
    "group": ("Gruppe", "Group"),
    "records": ("Datensätze", "Records"),
    "score": ("Übereinstimmung", "Match"),
    "reason": ("Grund", "Reason"),
    "passed": ("{n} Regeln erfüllt", "{n} rules passed"),
    "all_passed": ("Alle {n} Regeln erfüllt.", "All {n} rules passed."),
    "page": ("Seite {page} von {pages}", "Page {page} of {pages}"),
    "prev": ("zurück", "previous"),
    "next": ("weiter", "next"),
    "masked_note": (
        "Persönliche Daten (E-Mail, Telefon, IBAN, Steuer-Nummern, Namen) sind auf dieser Seite "
        "teilweise verdeckt. Die Excel-/CSV-Listen enthalten die vollständigen Werte: bitte "
        "vertraulich behandeln.",
        "Personal data (e-mail, phone, IBAN, tax numbers, names) is partly hidden on this page. "
        "The Excel/CSV lists contain the full values: please handle them confidentially.",
    ),
    "unmasked_note": (
        "Diese Seite zeigt alle Werte ungekürzt (--no-mask): bitte vertraulich behandeln.",
        "This page shows all values in full (--no-mask): please handle it confidentially.",
    ),
    "generated": ("Erstellt von kmu-dataguard {version}", "Generated by kmu-dataguard {version}"),
    "history": ("Frühere Prüfungen", "Earlier runs"),
    # the trend chart (report/trend.py) and the comparison with the last run (report/since.py)
    "trend.label": (
        "Fehlerhafte Datensätze der letzten {runs} Läufe: {first} → {last}",
        "Records with problems over the last {runs} runs: {first} → {last}",
    ),
    "trend.label_one": (
        "Fehlerhafte Datensätze: {n} (erster aufgezeichneter Lauf)",
        "Records with problems: {n} (first recorded run)",
    ),
    "trend.bar": (
        "{when}: {n} fehlerhafte Datensätze ({verdict})",
        "{when}: {n} records with problems ({verdict})",
    ),
    "trend.now": ("dieser Lauf", "this run"),
    "since.first_run": ("erster aufgezeichneter Lauf", "first recorded run"),
    "since.line": (
        "seit dem letzten Lauf: {fixed} behoben, {new} neu",
        "since the last run: {fixed} fixed, {new} new",
    ),
    # --max-keys cut a list of keys: the comparison may miss or mistake some records
    "since.line_approx": (
        "seit dem letzten Lauf: ca. {fixed} behoben, ca. {new} neu (Listen mit --max-keys gekürzt)",
        "since the last run: about {fixed} fixed, about {new} new (lists cut by --max-keys)",
    ),
    "since.fixed": ("Behoben seit letztem Lauf", "Fixed since last run"),
    "since.column": ("Seit letztem Lauf", "Since last run"),
    "since": ("Seit", "Since"),
    "since.new": ("neu", "new"),
    "since.still": ("weiterhin", "still"),
    "since.new.badge": ("neu", "new"),
    "since.still.badge": ("weiterhin", "still failing"),
    "since.new.title": (
        "Im letzten Lauf war dieser Datensatz in Ordnung.",
        "This record had no problem in the last run.",
    ),
    "since.still.title": (
        "Dieser Datensatz war schon im letzten Lauf fehlerhaft.",
        "This record already had a problem in the last run.",
    ),
    "expectation": ("Regel-ID", "Rule id"),
    "sort_hint": ("Zum Sortieren auf eine Spaltenüberschrift klicken.", "Click a heading to sort."),
    "no_key": ("Zeile", "row"),
    # the console summary (outputs/text.py)
    "text.gate": ("Prüfpunkt {gate}", "gate {gate}"),
    "text.check": ("Prüfung", "check"),
    "text.meaning.pass": ("die Daten dürfen verwendet werden", "the data may be used"),
    "text.meaning.warn": (
        "die Daten dürfen verwendet werden; Warnungen unten",
        "the data may be used; warnings below",
    ),
    "text.meaning.blocked": (
        "Ablauf nicht starten: erst die Datensätze unten korrigieren",
        "do not run the workflow: fix the records below",
    ),
    "text.meaning.error": (
        "nicht alles konnte geprüft werden: der Ablauf darf sich nicht auf diese Daten verlassen",
        "could not validate everything: the workflow must not rely on this data",
    ),
    "text.record": ("{n} Datensatz", "{n} record"),
    "text.records": ("{n} Datensätze", "{n} records"),
    "text.problem": ("{n} Fehler", "{n} problem"),
    "text.problems": ("{n} Fehler", "{n} problems"),
    "text.exactly": ("{n}", "{n}"),
    "text.at_least": ("mindestens {n}", "at least {n}"),
    "text.counts": (
        "{records}; {affected} davon fehlerhaft, {problems}",
        "{records}; {affected} of them with problems, {problems}",
    ),
    "text.since": (
        "{new} neu, {fixed} behoben seit dem letzten Lauf",
        "{new} new, {fixed} fixed since the last run",
    ),
    "text.since_same": (
        "dieselben fehlerhaften Datensätze wie im letzten Lauf",
        "the same records with problems as in the last run",
    ),
    "text.since_approx": (
        "ca. {new} neu, ca. {fixed} behoben seit dem letzten Lauf (--max-keys)",
        "about {new} new, about {fixed} fixed since the last run (--max-keys)",
    ),
    "text.label.pass": ("ok", "ok"),
    "text.label.warn": ("Warnung", "warn"),
    "text.label.blocked": ("FEHLER", "FAIL"),
    "text.label.error": ("UNGEPRÜFT", "ERROR"),
    "text.ok": ("ok", "ok"),
    "text.passed": ("{n} Regel(n) erfüllt", "{n} expectation(s) passed"),
    "text.no_key": ("(ohne Schlüssel)", "(no key)"),
    "text.more": (" und {n} weitere", " and {n} more"),
    "text.together": ("zusammen", "together"),
    "text.more_groups": ("und {n} weitere Gruppe(n)", "and {n} more group(s)"),
    "text.not_validated": ("Nicht geprüft", "Could not validate"),
    "text.report": ("Bericht", "Report"),
    # --split (kmu_dataguard/split): the console line and the columns of held_reasons.xlsx
    "split.line": (
        "Aufgeteilt: {accepted} angenommen, {held} zurückgehalten → {folder}",
        "Split: {accepted} accepted, {held} held → {folder}",
    ),
    "split.name": ("Name", "Name"),
    "split.rule": ("Regel-ID", "Rule id"),
    "split.description": ("Beschreibung", "Description"),
    "split.column": ("Spalte", "Column"),
    "split.value": ("Wert", "Value"),
    "split.suggestion": ("Vorschlag", "Suggestion"),
    "split.whole_file": ("(alle Datensätze)", "(all records)"),
    "split.because.group": (
        "gehört zu einer Gruppe mit einem blockierenden Fehler",
        "belongs to a group with a blocking problem",
    ),
    "split.not_checked": (
        "nicht Teil der geprüften Tabelle ({entity})",
        "not part of the checked table ({entity})",
    ),
    "split.more": ("… und {n} weitere Einträge", "… and {n} more entries"),
}
