"""Hostile inputs to the file readers: not-a-file paths, endless lines, absurd widths, and the
``limits:`` mapping of dataguard.yml. Every case ends in one clear SourceError (exit 3) quickly."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import kmu_dataguard
from kmu_dataguard.errors import SourceError
from kmu_dataguard.sources.datev import read_datev
from kmu_dataguard.sources.delimited import read_delimited
from kmu_dataguard.sources.excel import read_excel
from kmu_dataguard.sources.limits import Limits
from kmu_dataguard.sources.reading import file_format
from tests.conftest import write
from tests.support.datev_files import datev_header, datev_line, write_datev
from tests.support.xlsx_files import header_then, sheet_rows, write_xlsx

POSIX = pytest.mark.skipif(os.name != "posix", reason="FIFOs and /dev/zero are POSIX")

READERS: dict[str, Callable[[Path], object]] = {
    "delimited": read_delimited,
    "excel": read_excel,
    "datev": read_datev,
    "file_format": lambda p: file_format(p, None),
}


@pytest.fixture
def unblock() -> Iterator[Callable[[Path], None]]:
    """Open a FIFO for writing (then close it) if a reader got stuck opening it.

    Without this, code that opens the FIFO would wait forever and hang the test run; with it,
    the stuck reader sees an empty file and the test fails on its message instead.
    """
    stop = threading.Event()

    def start(fifo: Path) -> None:
        def rescue() -> None:
            while not stop.wait(0.5):
                try:
                    fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
                except OSError:  # ENXIO: nobody is reading, all good
                    continue
                os.close(fd)

        threading.Thread(target=rescue, daemon=True).start()

    yield start
    stop.set()


def _fifo(tmp_path: Path) -> Path:
    path = tmp_path / "fifo.csv"
    os.mkfifo(path)
    return path


def _broken_link(tmp_path: Path) -> Path:
    link = tmp_path / "export.csv"
    link.symlink_to(tmp_path / "moved-away.csv")
    return link


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "export.csv"
    folder.mkdir()
    return folder


NOT_FILES: dict[str, tuple[Callable[[Path], Path], str]] = {
    "fifo": (_fifo, r"is a named pipe \(FIFO\), not a regular file"),
    "dev-zero": (lambda _: Path("/dev/zero"), "is a character device, not a regular file"),
    "dev-null": (lambda _: Path("/dev/null"), "is a character device, not a regular file"),
    "folder": (_folder, "is a folder, not a file"),
    "broken-symlink": (_broken_link, "is a symbolic link to .*moved-away.csv.*does not exist"),
}


@POSIX
@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize("kind", NOT_FILES)
def test_what_is_no_regular_file_is_refused_before_opening(tmp_path, unblock, reader, kind):
    make, message = NOT_FILES[kind]
    path = make(tmp_path)
    if kind == "fifo":
        unblock(path)
    started = time.monotonic()
    with pytest.raises(SourceError, match=message) as caught:
        READERS[reader](path)
    assert caught.value.exit_code == 3
    assert str(path) in str(caught.value)
    assert time.monotonic() - started < 2  # refused by stat, nothing was read


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read any file")
@pytest.mark.parametrize("reader", READERS)
def test_unreadable_file_is_refused(tmp_path, reader):
    path = write(tmp_path / "k.csv", "a;b\n1;2\n")
    path.chmod(0)
    with pytest.raises(SourceError, match="permission denied"):
        READERS[reader](path)


@POSIX
def test_cli_check_of_a_fifo_exits_3_at_once(tmp_path):
    """F8: `dataguard check fifo.csv --suite customers` used to wait forever for a writer."""
    fifo = _fifo(tmp_path)
    started = time.monotonic()
    try:
        run = subprocess.run(
            [sys.executable, "-m", "kmu_dataguard", "check", str(fifo), "--suite", "customers"],
            capture_output=True,
            text=True,
            timeout=60,
            cwd=tmp_path,
            env={**os.environ, "PYTHONPATH": str(Path(kmu_dataguard.__file__).parents[1])},
        )
    except subprocess.TimeoutExpired:
        pytest.fail("dataguard check on a FIFO did not return within 60 s")
    assert run.returncode == 3, run.stderr
    assert "named pipe (FIFO)" in run.stdout + run.stderr
    assert time.monotonic() - started < 60


def test_a_50_mb_line_without_delimiters_is_refused_quickly(tmp_path):
    path = tmp_path / "one-line.csv"
    path.write_bytes(b"x" * (50 * 1024 * 1024))
    started = time.monotonic()
    with pytest.raises(SourceError, match=r"line 1 .*longer than 10 MB.*limits\.max_field_mb"):
        read_delimited(path)
    assert time.monotonic() - started < 10


def test_a_50_mb_line_of_delimiters_is_refused_by_its_width(tmp_path):
    path = tmp_path / "one-line.csv"
    path.write_bytes(b"a;" * (25 * 1024 * 1024))
    started = time.monotonic()
    with pytest.raises(SourceError, match=r"header has at least [\d ]+ columns, more than 2 000"):
        read_delimited(path)
    assert time.monotonic() - started < 10


@pytest.mark.parametrize("quoted", [False, True])
def test_a_50_mb_data_line_is_refused_with_its_line_number(tmp_path, quoted):
    path = tmp_path / "long.csv"
    body = b'"' + b"y" * (50 * 1024 * 1024) if quoted else b"y" * (50 * 1024 * 1024)
    path.write_bytes(b"id;name\n1;a\n2;" + body + b"\n3;c\n")
    with pytest.raises(SourceError, match=r"line 3 .*limits\.max_field_mb in dataguard\.yml"):
        read_delimited(path)


def test_twenty_thousand_columns_are_refused(tmp_path):
    header = ";".join(f"c{i}" for i in range(20_000))
    path = write(tmp_path / "wide.csv", header + "\n" + ";".join("1" * 20_000) + "\n")
    with pytest.raises(SourceError, match=r"20 000 columns, more than 2 000.*limits\.max_columns"):
        read_delimited(path)


def test_twenty_thousand_columns_in_a_workbook_are_refused(tmp_path):
    # 16 384 (XFD) is as wide as a sheet can be.
    path = write_xlsx(tmp_path / "wide.xlsx", [("S", header_then(iter(()), 16_384))])
    with pytest.raises(SourceError, match=r"16 384 columns, more than 2 000.*limits\.max_columns"):
        read_excel(path)


def test_wide_but_allowed_file_still_reads(tmp_path):
    header = ";".join(f"c{i}" for i in range(1_500))
    path = write(tmp_path / "wide.csv", header + "\n" + ";".join(["1"] * 1_500) + "\n")
    assert read_delimited(path).shape == (1, 1_500)


def test_datev_line_longer_than_the_field_limit_is_refused(tmp_path, datev_records):
    path = write_datev(tmp_path / "EXTF_Debitoren.csv", datev_records)
    with path.open("ab") as fh:
        fh.write(b"10009;" + b"z" * (11 * 1024 * 1024) + b"\r\n")
    lines = path.read_bytes().count(b"\n")
    with pytest.raises(SourceError, match=rf"line {lines} .*limits\.max_field_mb"):
        read_datev(path)


def test_datev_byte_that_no_codepage_knows_is_a_source_error(tmp_path):
    """ASCII for the first 256 KiB (detected as UTF-8), then a byte even cp1252 does not define."""
    path = tmp_path / "EXTF_Debitoren.csv"
    records = b"10001;Name\r\n" * 30_000
    head = datev_line(datev_header()).encode("cp1252") + b"\r\nKonto;Name\r\n"
    path.write_bytes(head + records + b"10002;M\x81ller\r\n")
    with pytest.raises(SourceError, match=r"byte 0x81 is neither valid .* nor Windows-1252"):
        read_datev(path)


def test_xlsx_rows_below_an_understated_dimension_are_read(tmp_path):
    """openpyxl stops at the last row a sheet declares; 98 of 99 rows would vanish silently."""
    path = write_xlsx(
        tmp_path / "understated.xlsx",
        [("S", header_then(_numbered_rows(2, 100), 2))],
        dimension="A1:B2",
    )
    df = read_excel(path)
    assert len(df) == 99
    assert df["h1"].tolist() == [str(r) for r in range(2, 101)]


def _numbered_rows(first: int, last: int) -> Iterator[bytes]:
    for r in range(first, last + 1):
        yield f'<row r="{r}"><c r="A{r}"><v>{r}</v></c><c r="B{r}"><v>1</v></c></row>'.encode()


# --- the limits: mapping of dataguard.yml --------------------------------------------------------


def _gate_config(tmp_path: Path, limits: str) -> Path:
    write(tmp_path / "k.csv", "customer_id;name;street;city\n1;a;b;c\n")
    return write(
        tmp_path / "dataguard.yml",
        f"""\
version: 1
{limits}
sources:
  crm: {{path: k.csv}}
checks:
  customers: {{source: crm, suite: customers, key: customer_id}}
gates:
  g: {{checks: [customers]}}
""",
    )


def test_limits_in_dataguard_yml_apply_to_the_gate(tmp_path, dataguard):
    config = _gate_config(tmp_path, "limits: {max_columns: 3}")
    run = dataguard("gate", "g", "--config", str(config))
    assert run.code == 3
    assert "4 columns, more than 3 (limit limits.max_columns in dataguard.yml)" in run.out + run.err


def test_limits_can_be_raised(tmp_path, dataguard):
    config = _gate_config(tmp_path, "limits: {max_columns: 4, max_file_mb: 1}")
    run = dataguard("sources", "test", "--config", str(config))
    assert run.code == 0, run.out
    assert "1 rows, columns: customer_id, name, street, city" in run.out


def test_file_size_limit(tmp_path, dataguard):
    config = _gate_config(tmp_path, "limits: {max_file_mb: 1}")
    with (tmp_path / "k.csv").open("a") as fh:
        fh.write("2;a;b;c\n" * 200_000)
    run = dataguard("sources", "test", "--config", str(config))
    assert run.code == 3
    assert "holds 1.5 MB, more than 1 MB (limit limits.max_file_mb in dataguard.yml)" in run.out


@pytest.mark.parametrize(
    ("limits", "complaint"),
    [("limits: {max_columns: 0}", "max_columns"), ("limits: {max_rows: 5}", "max_rows")],
)
def test_bad_limits_are_config_errors(tmp_path, dataguard, limits, complaint):
    run = dataguard("gate", "g", "--config", str(_gate_config(tmp_path, limits)))
    assert run.code == 2
    assert complaint in run.out + run.err


def test_yml_limits_reach_every_reader(tmp_path):
    from kmu_dataguard.config import load_config

    config = load_config(_gate_config(tmp_path, "limits: {max_xlsx_cells: 7, max_field_mb: 3}"))
    assert config.limits.to_limits() == Limits(max_xlsx_cells=7, max_field_mb=3)
    assert set(type(config.limits).model_fields) == set(Limits.names())


def test_small_sheet_within_tight_limits_reads(tmp_path):
    path = write_xlsx(tmp_path / "s.xlsx", [("S", header_then(sheet_rows(0, 2), 2))])
    assert read_excel(path, limits=Limits(max_xlsx_cells=2, max_columns=2)).shape == (0, 2)


@POSIX
def test_sources_test_names_a_fifo_as_such(tmp_path, dataguard):
    config = _gate_config(tmp_path, "")
    (tmp_path / "k.csv").unlink()
    os.mkfifo(tmp_path / "k.csv")
    run = dataguard("sources", "test", "--config", str(config))
    assert run.code == 3
    assert "k.csv: is a named pipe (FIFO), not a regular file" in run.out
