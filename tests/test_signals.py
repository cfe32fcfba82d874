"""SIGINT and SIGTERM mid-run: exit 130/143, one true message, a JSON document, nothing broken.

Real subprocesses with a generated CRM export large enough that validating and writing the
failing-records lists take seconds, so each signal lands in the stage the test names.
"""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest

import kmu_dataguard
from kmu_dataguard.demo.world import build_world
from tests.support.cli_process import add_gate, leftovers, start

ROWS = 20000
TIMEOUT_S = 240


@pytest.fixture(scope="module")
def big_world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo world with a previous report, then a CRM export of ROWS contacts, half broken."""
    world = build_world(tmp_path_factory.mktemp("signals") / "demo")
    add_gate(world.config, "crm", ["contacts"])
    result = kmu_dataguard.run_gate("crm", config=world.config, report_dir=world.folder / "rep")
    assert result.report_path is not None
    header, *rows = [r for r in world.contacts_csv.read_bytes().split(b"\r\n") if r]
    out = [header]
    for i in range(ROWS):
        fields = rows[i % len(rows)].split(b";")
        fields[0] = b"C%07d" % i
        if i % 2:
            fields[4] = b"kaputt@@example"
        out.append(b";".join(fields))
    world.contacts_csv.write_bytes(b"\r\n".join(out) + b"\r\n")
    return world.folder


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def _wait(condition: Callable[[], bool], process: subprocess.Popen[str], what: str) -> None:
    deadline = time.monotonic() + TIMEOUT_S
    while not condition():
        assert process.poll() is None, f"the run ended before {what}"
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def _validating(log: Path) -> Callable[[], bool]:
    return lambda: "validating contacts" in log.read_text(encoding="utf-8", errors="replace")


def _writing(report: Path) -> Callable[[], bool]:
    return lambda: any((report / "runs").glob(".tmp-*"))


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
@pytest.mark.parametrize("stage", ["validating", "writing the report"])
def test_signal_mid_run_stops_cleanly(big_world: Path, tmp_path: Path, signum, stage):
    report = tmp_path / "rep"
    shutil.copytree(big_world / "rep", report)
    before = _snapshot(report)
    log = tmp_path / "stderr.txt"
    config = big_world / "dataguard.yml"
    with log.open("w", encoding="utf-8") as err:
        args = ("-v", "gate", "crm", "--config", config, "--report", report, "--format", "json")
        process = start(*args, stderr=err)
        try:
            marker = _validating(log) if stage == "validating" else _writing(report)
            _wait(marker, process, stage)
            if stage == "validating":
                time.sleep(0.5)  # inside validation, not at its first line
            process.send_signal(signum)
            out, _ = process.communicate(timeout=TIMEOUT_S)
        finally:
            process.kill()
    name = signal.Signals(signum).name
    done = (
        "nothing was validated"
        if stage == "validating"
        else "validation finished but the run was not completed"
    )
    message = f"dataguard: stopped by {name}; {done}; the previous report is unchanged"
    stderr = log.read_text(encoding="utf-8")
    assert process.returncode == 128 + signum
    assert [line for line in stderr.splitlines() if "stopped" in line] == [message], stderr
    assert "Traceback" not in stderr
    doc = json.loads(out)
    assert doc["verdict"] == "error" and doc["exit_code"] == 128 + signum
    assert doc["errors"] == [{"check": None, "message": message.removeprefix("dataguard: ")}]
    assert _snapshot(report) == before, "the previous report is byte-identical"
    assert leftovers(report) == [], "no temporary folder with unmasked lists left behind"


def test_handlers_stop_once_restore_after_and_leave_ignored_signals_ignored():
    from kmu_dataguard.cli.signals import stop_on_signals
    from kmu_dataguard.errors import RunStopped

    term_before = signal.getsignal(signal.SIGTERM)
    int_before = signal.signal(signal.SIGINT, signal.SIG_IGN)  # as under nohup or `cmd &`
    try:
        with stop_on_signals():
            assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
            with pytest.raises(RunStopped) as caught:
                signal.raise_signal(signal.SIGTERM)
            # While the clean-up runs, a second signal must not cut it short.
            assert signal.getsignal(signal.SIGTERM) is signal.SIG_IGN
            signal.raise_signal(signal.SIGTERM)
        assert signal.getsignal(signal.SIGTERM) == term_before, "restored after"
        assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
        assert caught.value.exit_code == 143
        assert str(caught.value) == (
            "stopped by SIGTERM; nothing was validated; the previous report is unchanged"
        )
    finally:
        signal.signal(signal.SIGTERM, term_before)
        signal.signal(signal.SIGINT, int_before)
