"""A report folder or --output file on a full or read-only file system (a real small tmpfs).

Exit 3 with one message that says what to do, the result still printed, the previous report
and output byte-identical, and no temporary file or half-written run folder left behind.
"""

from __future__ import annotations

import errno
import os
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.support.cli_process import add_gate, leftovers


def _mount(folder: Path, options: str) -> None:
    done = subprocess.run(["mount", *options.split()], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs at {folder} (needs root): {done.stderr.strip()}")


@pytest.fixture
def small_fs(tmp_path: Path) -> Iterator[Path]:
    """A 1 MB tmpfs, unmounted after the test."""
    mount = tmp_path / "mnt"
    mount.mkdir()
    _mount(mount, f"-t tmpfs -o size=1m tmpfs {mount}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def _fill(folder: Path, leave: int = 0) -> None:
    """Fill the file system of ``folder`` until ENOSPC, then free ``leave`` bytes again."""
    filler = folder / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT)
    try:
        while True:
            os.write(fd, b"\0" * 4096)
    except OSError as exc:
        assert exc.errno == errno.ENOSPC
    finally:
        os.close(fd)
    size = filler.stat().st_size
    os.truncate(filler, max(0, size - leave))


def _read_only(folder: Path) -> None:
    _mount(folder, f"-o remount,ro {folder}")


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.fixture
def crm(world) -> Path:
    """The demo world with a small gate (its CRM export only); returns the config file."""
    add_gate(world.config, "crm", ["contacts"])
    return world.config


BREAK: dict[str, Callable[[Path], None]] = {
    "full": _fill,
    "almost full": lambda folder: _fill(
        folder, leave=12 * 1024
    ),  # room for the first list, not all
    "read-only": _read_only,
}
WHY = {
    "full": "No space left on device; free space or choose another --report folder",
    "almost full": "No space left on device; free space or choose another --report folder",
    "read-only": "Read-only file system; choose another --report folder",
}


@pytest.mark.parametrize("trouble", list(BREAK))
def test_report_folder_that_cannot_be_written(dataguard, crm, small_fs, trouble):
    report = small_fs / "report"
    args = ("gate", "crm", "--config", str(crm), "--report", str(report), "--format", "json")
    first = dataguard(*args)
    assert first.code == 1, first.out  # the CRM export has seeded defects
    before = _snapshot(report)
    BREAK[trouble](small_fs)
    run = dataguard(*args)
    assert run.code == 3
    doc = run.json()  # still one JSON document on stdout
    assert doc["verdict"] == "error" and doc["exit_code"] == 3
    expected = f"report could not be written to {report}: {WHY[trouble]}"
    assert [e["message"] for e in doc["errors"]] == [expected]
    assert _snapshot(report) == before, "the previous report is byte-identical"
    assert leftovers(report) == [] and len(list((report / "runs").iterdir())) == 1


@pytest.mark.parametrize("trouble", ["full", "read-only"])
def test_output_file_that_cannot_be_written(dataguard, crm, small_fs, trouble):
    output = small_fs / "result.json"
    args = ("gate", "crm", "--config", str(crm), "--format", "json", "--output", str(output))
    assert dataguard(*args).code == 1
    before = output.read_bytes()
    BREAK[trouble](small_fs)
    run = dataguard(*args)
    assert run.code == 3, "a result that was not delivered is not a verdict to rely on"
    assert run.json()["exit_code"] == 1, "the result is printed where it can still be read"
    reason = "No space left on device" if trouble == "full" else "Read-only file system"
    assert run.err.strip() == f"dataguard: error: cannot write {output}: {reason}"
    assert output.read_bytes() == before
    assert leftovers(small_fs) == [], "the temporary file is removed"
