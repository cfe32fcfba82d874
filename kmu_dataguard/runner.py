"""Run gates and ad-hoc checks: read each check's table, validate it, decide the verdict.

Configuration problems raise :class:`ConfigError` (exit 2): most before anything is read, some
only when a check opens its source (a database driver that is not installed, a URL flag or a
query that is not allowed); those stop the run too. Everything else that goes wrong while a
check runs (a source that cannot be read, a broken suite, an engine failure, any unexpected
exception) is recorded on that check, so the other checks still run and the result says exactly
what was not validated; the verdict is then ``error`` (exit 3), never a pass.
"""

from __future__ import annotations

import errno
import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kmu_dataguard import history as run_history
from kmu_dataguard._secrets import redact
from kmu_dataguard.column_match import mismatch_message
from kmu_dataguard.config import (
    CheckConfig,
    Config,
    build_config,
    load_config,
    safe_name,
)
from kmu_dataguard.errors import (
    ConfigError,
    DataguardError,
    HistoryError,
    RunStopped,
    SourceError,
    one_line,
)
from kmu_dataguard.gate import exit_code_for, gate_verdict, judge_check
from kmu_dataguard.preconditions import Preconditions, blocks_validation, source_outcomes
from kmu_dataguard.report.i18n import resolve_lang
from kmu_dataguard.results import CheckResult, GateResult, RunError, Severity
from kmu_dataguard.split import SplitInput, SplitTarget
from kmu_dataguard.suites import SuiteCatalog, apply_overrides

__all__ = ["run_check", "run_gate"]

log = logging.getLogger("kmu_dataguard")


def run_gate(
    name: str,
    config: str | os.PathLike[str] | Config = "dataguard.yml",
    *,
    fail_on: str | None = None,
    report_dir: str | os.PathLike[str] | None = None,
    max_keys: int | None = None,
    lang: str | None = None,
    mask: bool = True,
    data_docs_dir: str | os.PathLike[str] | None = None,
    history: str | bool | None = None,
) -> GateResult:
    """Run the checks of gate ``name`` and return the result (it does not raise on BLOCKED).

    ``fail_on`` overrides the gate's setting ("critical" or "warning"); ``report_dir`` writes
    the HTML report there (in ``lang`` "de"/"en", personal data masked unless ``mask=False``);
    ``max_keys`` caps the failing keys listed per expectation; ``data_docs_dir`` also builds
    Great Expectations' Data Docs there. ``history`` replaces the config's ``history:``
    (``"off"``/False, a path or a URL); the run is recorded there (docs/history.md).
    """
    cfg = config if isinstance(config, Config) else load_config(config)
    gate = cfg.gate(name)
    threshold = _severity(fail_on or gate.fail_on)
    report = _ReportSettings(report_dir, lang, mask, data_docs_dir)
    return _run(
        cfg,
        name,
        gate.checks,
        threshold,
        report,
        max_keys,
        gate.references,
        history_setting=history,
    )


def run_check(
    source: str | os.PathLike[str],
    suite: str | None = None,
    *,
    key: str | None = None,
    table: str | None = None,
    query: str | None = None,
    profile: str | None = None,
    entity: str | None = None,
    sheet: str | int | None = None,
    suites_dir: str | os.PathLike[str] | None = None,
    connectors_dir: str | os.PathLike[str] | None = None,
    fail_on: str = "critical",
    report_dir: str | os.PathLike[str] | None = None,
    max_keys: int | None = None,
    lang: str | None = None,
    mask: bool = True,
    data_docs_dir: str | os.PathLike[str] | None = None,
    allow_empty: bool = False,
    min_rows: int | None = None,
    max_row_drop: str | float | None = None,
    max_age: str | None = None,
    fresh: dict[str, str] | None = None,
    mapping: dict[str, str] | None = None,
    history: str | bool | None = None,
    split: str | os.PathLike[str] | None = None,
    split_force: bool = False,
    keep_source: list[SplitInput] | None = None,
) -> GateResult:
    """Check one export (a file path) or one database table (an SQLAlchemy URL) ad hoc.

    With ``profile`` and ``entity`` the source is read through a connector profile; ``suite``
    then defaults to the entity's built-in suite. ``mapping`` (``--map``) renames a file's
    headers onto canonical columns without a profile: ``{"PLZ": "postal_code"}``.
    ``allow_empty``, ``min_rows``, ``max_row_drop`` (``"20 %"``), ``max_age`` (of a file) and
    ``fresh`` (``{"column": ..., "max_age": "26h"}``) are the checks' keys of the same names in
    ``dataguard.yml``. ``history`` is where the run is recorded (default
    ``.dataguard/history.db`` in the current folder, or ``DATAGUARD_HISTORY``; ``"off"``).
    ``split`` (a folder) writes the accepted and the held records of a file there, in its own
    format (``split_force``: even the source's own folder; docs/split.md).
    ``keep_source`` (a list) receives what was read of a file source, in the shape a split
    takes (its path, format, table, encoding and delimiter): ``dataguard fix`` writes from it.
    """
    text = os.fspath(source)
    is_url = "://" in text
    rename = _check_mapping(mapping, is_url=is_url, profile=profile, entity=entity or suite)
    location = {"url": text} if is_url else {"path": text}
    source_cfg = {**location, "profile": profile, "sheet": sheet, "max_age": max_age}
    check_cfg = {
        "source": "input",
        "suite": suite,
        "entity": entity,
        "key": key,
        "table": table,
        "query": query,
        "allow_empty": allow_empty or None,
        "min_rows": min_rows,
        "max_row_drop": max_row_drop,
        "fresh": fresh,
        "split": os.fspath(split) if split is not None else None,
        "split_force": split_force or None,
    }
    # The check is named after what is read; the source keeps the real path or URL.
    label = entity or table or ("query" if query else "input" if is_url else Path(text).stem)
    name = safe_name(label)
    data = {
        "suites_dir": os.fspath(suites_dir) if suites_dir else None,
        "connectors_dir": os.fspath(connectors_dir) if connectors_dir else None,
        "sources": {"input": {k: v for k, v in source_cfg.items() if v is not None}},
        "checks": {name: {k: v for k, v in check_cfg.items() if v is not None}},
    }
    cfg = build_config(data, origin=Path.cwd() / "(command line)", secrets=set())
    report = _ReportSettings(report_dir, lang, mask, data_docs_dir)
    return _run(
        cfg,
        None,
        list(cfg.checks),
        _severity(fail_on),
        report,
        max_keys,
        rename=rename,
        history_setting=history,
        keep=keep_source,
    )


def _check_mapping(
    mapping: dict[str, str] | None, *, is_url: bool, profile: str | None, entity: str | None
) -> dict[str, str] | None:
    if not mapping:
        return None
    if profile:
        raise ConfigError("--map and --profile: use one of them (a profile maps columns too)")
    if is_url:
        raise ConfigError(
            "--map renames the columns of a file; for a database use --query with "
            "'AS canonical_name' or a connector profile"
        )
    from kmu_dataguard.sources.profiles import check_rename

    return check_rename(mapping, entity)


@dataclass(frozen=True)
class _ReportSettings:
    """Where and how to write the steward report and the Data Docs of a run."""

    folder: str | os.PathLike[str] | None = None
    lang: str | None = None
    mask: bool = True
    data_docs: str | os.PathLike[str] | None = None


def _run(
    cfg: Config,
    gate: str | None,
    check_names: list[str],
    fail_on: Severity,
    report: _ReportSettings,
    max_keys: int | None,
    reference_names: list[str] | None = None,
    *,
    rename: dict[str, str] | None = None,
    history_setting: str | bool | None = None,
    keep: list[SplitInput] | None = None,
) -> GateResult:
    subject = run_history.subject_of(gate, check_names)
    with run_history.RunHistory(cfg, history_setting, subject) as recorder:
        return _run_recorded(
            cfg,
            gate,
            check_names,
            fail_on,
            report,
            max_keys,
            reference_names,
            rename,
            recorder,
            keep,
        )


def _run_recorded(
    cfg: Config,
    gate: str | None,
    check_names: list[str],
    fail_on: Severity,
    report: _ReportSettings,
    max_keys: int | None,
    reference_names: list[str] | None,
    rename: dict[str, str] | None,
    recorder: run_history.RunHistory,
    keep: list[SplitInput] | None = None,
) -> GateResult:
    started = datetime.now(UTC)
    clock = time.perf_counter()
    catalog = SuiteCatalog(cfg.user_suite_dirs())
    secrets = set(cfg.secrets)
    # GX's own validation results, kept only when Data Docs are asked for.
    validations: list[Any] | None = [] if report.data_docs is not None else None
    # what each check with `split:` needs to write its split once the verdict is known
    splits: dict[str, SplitInput] = {}
    checks = [
        _run_check(
            cfg,
            n,
            cfg.checks[n],
            catalog,
            fail_on,
            max_keys,
            secrets,
            validations,
            rename,
            ad_hoc=gate is None,
            history=recorder,
            splits=splits,
            keep=keep,
        )
        for n in check_names
    ]
    checks += [_run_reference(cfg, n, fail_on, max_keys, secrets) for n in reference_names or ()]
    errors = [RunError(c.name, m) for c in checks for m in c.errors]
    errors += [
        RunError(c.name, f"{e.id}: {e.error}")
        for c in checks
        for e in c.expectations
        if e.error is not None
    ]
    verdict = gate_verdict(checks, len(errors), fail_on)
    result = GateResult(
        gate=gate,
        verdict=verdict,
        exit_code=exit_code_for(verdict),
        started_at=started,
        duration_s=time.perf_counter() - clock,
        fail_on=fail_on,
        checks=checks,
        errors=errors,
        lang=resolve_lang(report.lang, cfg.lang),
        run_id=recorder.run_id(started),
    )
    if recorder.error is not None:
        _record_error(result, recorder.error)
    if splits:
        _write_splits(cfg, result, splits, secrets)
        splits.clear()  # the tables' frames are not needed any more
    try:
        _history_step(result, secrets, recorder.compare)
        _write_outputs(cfg, result, validations, report, secrets)
        _history_step(result, secrets, recorder.record)
        _notify(cfg, result, recorder)
    except RunStopped as stop:
        stop.validated = True  # so the message does not claim that nothing was validated
        raise
    return result


def _notify(cfg: Config, result: GateResult, recorder: run_history.RunHistory) -> None:
    """Tell the gate's channels of a change of state; never changes the verdict or exit code."""
    if result.gate is None or not cfg.gate(result.gate).notify:
        return
    from kmu_dataguard.notify.dispatch import notify_run

    try:
        notify_run(cfg, result, recorder.store, recorder.subject)
    except Exception as exc:  # a notification must not turn a verdict into a crash
        detail = redact(one_line(exc), set(cfg.secrets))
        log.warning("notifications failed (%s): %s", type(exc).__name__, detail)


def _history_step(
    result: GateResult, secrets: set[str], step: Callable[[GateResult], None]
) -> None:
    """A history that cannot be read or written makes the run exit 3: never a pass unrecorded."""
    try:
        step(result)
    except HistoryError as exc:
        _record_error(result, redact(str(exc), secrets))


def _write_outputs(
    cfg: Config,
    result: GateResult,
    validations: list[Any] | None,
    report: _ReportSettings,
    secrets: set[str],
) -> None:
    if validations is not None and report.data_docs is not None:
        _write_data_docs(result, validations, Path(report.data_docs), secrets)
    target = report.folder if report.folder is not None else cfg.report_dir
    if target is not None:
        lang = result.lang
        where = cfg.resolve_path(os.fspath(target))
        _write_report(result, where, secrets, lang=lang, mask=report.mask, keep=cfg.report_keep)


def _run_check(
    cfg: Config,
    name: str,
    check: CheckConfig,
    catalog: SuiteCatalog,
    fail_on: Severity,
    max_keys: int | None,
    secrets: set[str],
    validations: list[Any] | None = None,
    rename: dict[str, str] | None = None,
    *,
    ad_hoc: bool = False,
    history: run_history.RunHistory | None = None,
    splits: dict[str, SplitInput] | None = None,
    keep: list[SplitInput] | None = None,
) -> CheckResult:
    from kmu_dataguard.history.changes import judge_history, split_history
    from kmu_dataguard.sources.reading import read_check_table
    from kmu_dataguard.sources.table import Table

    origin = check.source
    result = CheckResult(name=name, source=origin, suite=check.suite_name, key=check.key)
    # DIR is checked before anything is read: a usage error stops the run (exit 2).
    planned = _plan_split(cfg, name, check)
    kept = (planned or _plan_keep(cfg, check)) if keep is not None else None
    try:
        # Overrides were checked against the suite when the configuration was loaded.
        spec = apply_overrides(catalog.load(check.suite_name), check.override_data())
        # Change detection is judged against the run history, the rest by the engine.
        engine_spec, against_history = split_history(spec)
        # Closed however this ends: a database table holds our reader engine.
        with read_check_table(cfg, check, rename=rename) as table:
            if planned is not None and splits is not None and isinstance(table, Table):
                _refuse_shared_folder(name, planned[0], splits)
                splits[name] = _split_input(cfg, check, table, *planned)
            if kept is not None and keep is not None and isinstance(table, Table):
                keep.append(_split_input(cfg, check, table, *kept))
            result.source = f"{origin}: {table.origin}"
            result.rows = table.rows
            mismatch = mismatch_message(
                spec,
                list(table.columns),
                table.origin,
                is_file=isinstance(table, Table),
                can_map=ad_hoc,
            )
            key = result.key = check.key or table.key
            if mismatch is None and key is not None and key not in table.columns:
                raise SourceError(
                    f"check {name!r}: key column {key!r} not in {table.origin} "
                    f"(columns present: {', '.join(table.columns) or 'none'})"
                )
            result.expectations = _judge_source(cfg, name, check, table, history)
            if not blocks_validation(result.expectations):
                if mismatch is not None:  # one error, not one per expectation
                    raise SourceError(mismatch)
                from kmu_dataguard.engine import validate_table
                from kmu_dataguard.record_context import add_context

                log.info("validating %s (%d rows) with suite %s", name, table.rows, spec.name)
                outcomes = []
                if engine_spec.expectations:
                    outcomes = validate_table(
                        table, engine_spec, key=key, max_keys=max_keys, keep_validations=validations
                    )
                outcomes += judge_history(
                    against_history, table, check=name, key=key, history=history, max_keys=max_keys
                )
                order = {e.id: i for i, e in enumerate(spec.expectations)}
                result.expectations += sorted(outcomes, key=lambda o: order[o.id])
                add_context(result, [(table, key)], secrets)
                from kmu_dataguard.suggestions.outcomes import add_suggestions

                add_suggestions(result)
            result.source_headers = table.source_headers
        for outcome in result.expectations:
            if outcome.error is not None:
                outcome.error = redact(outcome.error, secrets)
    except ConfigError:
        raise  # the user must fix the configuration: exit 2, as documented, not "unavailable"
    except DataguardError as exc:
        result.errors.append(redact(str(exc), secrets))
    except Exception as exc:  # fail closed: an unexpected failure is "could not validate"
        # No traceback in the log: driver and engine messages may carry connection strings.
        detail = redact(one_line(exc), secrets)
        result.errors.append(f"unexpected error ({type(exc).__name__}): {detail}")
    judge_check(result, fail_on)
    return result


def _plan_split(
    cfg: Config, name: str, check: CheckConfig
) -> tuple[SplitTarget, tuple[int, int] | None] | None:
    """DIR checked against the source, and the source's (size, mtime) before it is read."""
    if check.split is None:
        return None
    from kmu_dataguard.split import split_target

    source = cfg.sources[check.source]
    if source.path is None:
        raise ConfigError(
            f"check {name!r}: split writes records in a file's own format; the source "
            f"{check.source!r} is a database: export the table to a file and check that"
        )
    path = cfg.resolve_path(source.path)
    target = split_target(cfg.resolve_path(check.split), path, force=check.split_force)
    try:
        info = path.stat()
    except OSError:
        return target, None  # the reader says what is wrong with the file
    return target, (info.st_size, info.st_mtime_ns)


def _plan_keep(
    cfg: Config, check: CheckConfig
) -> tuple[SplitTarget, tuple[int, int] | None] | None:
    """As :func:`_plan_split` for a kept file source (no folder: the caller writes)."""
    source = cfg.sources[check.source]
    if source.path is None:
        return None
    try:
        info = cfg.resolve_path(source.path).stat()
    except OSError:
        return SplitTarget(Path(".")), None  # the reader says what is wrong with the file
    return SplitTarget(Path(".")), (info.st_size, info.st_mtime_ns)


def _refuse_shared_folder(name: str, target: SplitTarget, splits: dict[str, SplitInput]) -> None:
    """Two checks splitting into one folder would overwrite each other's files."""
    for other, split in splits.items():
        if split.target.folder.resolve() == target.folder.resolve():
            raise ConfigError(
                f"checks {other!r} and {name!r} both split into {target.folder}; give each "
                "check its own split folder"
            )


def _split_input(
    cfg: Config,
    check: CheckConfig,
    table: Any,
    target: SplitTarget,
    stat: tuple[int, int] | None,
) -> SplitInput:
    from kmu_dataguard.sources.reading import source_format

    source = cfg.sources[check.source]
    assert source.path is not None
    path = cfg.resolve_path(source.path)
    limits = cfg.limits.to_limits()
    attrs = table.frame.attrs
    return SplitInput(
        target=target,
        path=path,
        fmt=source_format(cfg, source),
        frame=table.frame,
        stat=stat or (-1, -1),
        limits=limits,
        encoding=attrs.get("encoding") or source.encoding,
        delimiter=attrs.get("delimiter") or source.delimiter,
        sheet=attrs.get("sheet") if attrs.get("sheet") is not None else (source.sheet or 0),
        entity=check.entity,
    )


def _write_splits(
    cfg: Config, result: GateResult, splits: dict[str, SplitInput], secrets: set[str]
) -> None:
    """Write each check's split, once the verdict is known; nothing when the run has an error
    (a record that was not validated, or a reference that was not, must never be accepted)."""
    from kmu_dataguard.split import write_split

    if result.errors:
        log.warning("no split written: the run could not validate everything (exit 3)")
        return
    for name, split in splits.items():
        check = next(c for c in result.checks if c.name == name)
        related = [
            c
            for c in result.checks
            if c.suite == "reference"
            and c.name in cfg.references
            and cfg.references[c.name].from_.check == name
        ]
        try:
            summary = write_split(check, related, split, result.fail_on, result.lang)
        except DataguardError as exc:
            _record_error(result, redact(f"check {name!r}: {exc}", secrets))
            return
        check.split = summary.to_dict()


def _judge_source(
    cfg: Config,
    name: str,
    check: CheckConfig,
    table: Any,
    history: run_history.RunHistory | None,
) -> list[Any]:
    """Rows present, enough rows, fresh: the source as a whole, before its records."""
    source = cfg.sources[check.source]
    file = cfg.resolve_path(source.path) if source.path else None
    previous = None
    if check.max_row_drop is not None:
        previous = run_history.previous_rows(history, name)
    wanted = Preconditions.of(check, source)
    return source_outcomes(name, table, wanted, file=file, previous=previous)


def _run_reference(
    cfg: Config, name: str, fail_on: Severity, max_keys: int | None, secrets: set[str]
) -> CheckResult:
    """A cross-source reference, recorded like a check (suite "reference")."""
    from kmu_dataguard.consistency.references import check_reference

    reference = cfg.references[name]
    try:
        result = check_reference(cfg, name, max_keys=max_keys)
    except ConfigError:
        raise  # exit 2, as for checks
    except Exception as exc:  # fail closed, as for checks
        source = f"{reference.from_.check} → {reference.to.check}"
        result = CheckResult(name=name, source=source, suite="reference", key=None)
        if isinstance(exc, DataguardError):
            result.errors.append(redact(str(exc), secrets))
        else:
            log.debug("unexpected error in reference %s", name, exc_info=True)
            detail = redact(one_line(exc), secrets)
            result.errors.append(f"unexpected error ({type(exc).__name__}): {detail}")
    judge_check(result, fail_on)
    return result


def _write_report(
    result: GateResult, folder: Path, secrets: set[str], *, lang: Any, mask: bool, keep: int
) -> None:
    from kmu_dataguard.report.store import write_report

    try:
        result.report_path = str(write_report(result, folder, lang=lang, mask=mask, keep=keep))
    except OSError as exc:
        hint = _WRITE_HINTS.get(exc.errno or 0, "choose another --report folder")
        detail = f"{exc.strerror or exc}; {hint}"
        message = redact(f"report could not be written to {folder}: {detail}", secrets)
        _record_error(result, message)


# What to do when the report folder cannot be written, by errno (default: another folder).
_WRITE_HINTS = {
    errno.ENOSPC: "free space or choose another --report folder",
    errno.EDQUOT: "free space (disk quota exceeded) or choose another --report folder",
    errno.EACCES: "make it writable for this user or choose another --report folder",
    errno.EPERM: "make it writable for this user or choose another --report folder",
}


def _write_data_docs(
    result: GateResult, validations: list[Any], folder: Path, secrets: set[str]
) -> None:
    from kmu_dataguard.engine import build_data_docs

    try:
        build_data_docs(validations, folder)
    except (OSError, DataguardError) as exc:
        detail = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        message = f"Data Docs could not be built in {folder}: {detail}"
        _record_error(result, redact(message, secrets))


def _record_error(result: GateResult, message: str) -> None:
    """An output that could not be written makes the run an error, never a silent pass."""
    result.errors.append(RunError(None, message))
    result.verdict = gate_verdict(result.checks, len(result.errors), result.fail_on)
    result.exit_code = exit_code_for(result.verdict)


def _severity(value: str) -> Severity:
    try:
        return Severity(value)
    except ValueError:
        raise ConfigError(f"fail_on must be 'critical' or 'warning', not {value!r}") from None
