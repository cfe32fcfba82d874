"""The user's YAML is read so that it fails closed: fast, one line, exit 2, never a traceback."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest
import yaml

from kmu_dataguard import yaml_safe
from kmu_dataguard.errors import ConfigError
from kmu_dataguard.yaml_safe import MAX_DEPTH, MAX_NODES, load_yaml_file, load_yaml_text
from tests.conftest import write

# Nine levels of nine aliases: 9**9 (387 million) values when expanded, 350 bytes written.
BOMB = "version: 1\na: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"{n}: &{n} [{', '.join([f'*{p}'] * 9)}]\n" for p, n in zip("abcdefgh", "bcdefghi", strict=True)
)


@pytest.fixture(params=["libyaml", "python"], autouse=True)
def loader(request, monkeypatch):
    """Every test runs with libyaml's parser and with PyYAML's pure-Python fallback."""
    if request.param == "python":
        monkeypatch.setattr(yaml_safe, "_LOADER", yaml_safe._strict_loader(yaml.SafeLoader))
    elif not hasattr(yaml, "CSafeLoader"):
        pytest.skip("PyYAML without libyaml")
    return request.param


def refused(text: str) -> str:
    with pytest.raises(ConfigError) as info:
        load_yaml_text(text, "dataguard.yml")
    message = str(info.value)
    assert message.startswith("dataguard.yml: ")
    assert "\n" not in message
    return message


def test_alias_bomb_is_refused_fast():
    assert len(BOMB) < 450
    started = time.perf_counter()
    message = refused(BOMB)
    assert time.perf_counter() - started < 1.0
    assert f"aliases expand to more than {MAX_NODES:,} values" in message
    assert "line " in message


def test_shared_settings_through_anchors_and_merge_keys_still_work():
    data = load_yaml_text(
        "defaults: &defaults {format: csv, delimiter: ';'}\n"
        "sources:\n"
        "  a: {<<: *defaults, path: a.csv}\n"
        "  b: {<<: *defaults, path: b.csv, delimiter: ','}\n"  # overrides a merged key
        "tags: &t [x, y]\nmore: [*t, *t]\n",
        "x.yml",
    )
    assert data["sources"]["a"] == {"format": "csv", "delimiter": ";", "path": "a.csv"}
    assert data["sources"]["b"]["delimiter"] == ","
    assert data["more"] == [["x", "y"], ["x", "y"]]


def test_aliases_within_the_budget_are_accepted():
    # Up to e: about 75 000 values expanded (9**5 of them in e), just inside the budget.
    small = "\n".join(BOMB.splitlines()[:6]) + "\n"
    assert load_yaml_text(small, "x.yml")["e"][8][0][0][0] == ["lol"] * 9


def test_duplicate_key_is_refused_with_both_lines():
    message = refused("version: 1\nchecks: {}\ngates: {}\nchecks: {a: 1}\n")
    assert "line 4, column 1: duplicate key 'checks' (first at line 2)" in message
    assert "duplicate key 'a'" in refused("x: {a: 1, b: 2, a: 3}\n")


def test_alias_inside_its_own_anchor_is_refused():
    assert "alias *a inside its own anchor" in refused("version: 1\nx: &a [1, *a]\n")
    assert "alias *m inside its own anchor" in refused("x: &m\n  y: *m\n")


@pytest.mark.parametrize(
    "text",
    [
        "x: " + "[" * 5000 + "]" * 5000 + "\n",
        "".join(f"{' ' * i}k{i}:\n" for i in range(MAX_DEPTH + 5)) + " " * 200 + "v: 1\n",
    ],
    ids=["flow", "block"],
)
def test_deep_nesting_is_refused(text):
    assert "nest" in refused(text)


def test_nesting_up_to_the_limit_is_accepted():
    data = load_yaml_text("x: " + "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1), "x.yml")
    assert isinstance(data["x"], list)


@pytest.mark.parametrize("number", ["1" * 5000, "0x" + "f" * 5000, "1." + "5" * 5000])
def test_huge_number_is_refused(number):
    message = refused(f"version: {number}\n")
    assert f"line 1, column 10: number of {len(number)} characters" in message
    assert load_yaml_text(f"version: '{number}'\n", "x.yml")["version"] == number


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("version: !!python/object/apply:os.system [echo hi]\n", "!!python/object/apply:os.system"),
        ("version: !!python/name:os.system ''\n", "!!python/name:os.system"),
        ("version: !!binary aGVsbG8=\n", "!!binary"),
        ("version: !!set {a}\n", "!!set"),
        ("version: !!timestamp 2024-01-01\n", "!!timestamp"),
        ("version: !custom 1\n", "!custom"),
    ],
)
def test_foreign_tags_are_refused_naming_line_and_tag(text, shown):
    message = refused(text)
    assert f"line 1, column 10: tag {shown!r} is not allowed" in message


@pytest.mark.parametrize("text", ["a: !!int x\n", "a: !!float x\n", "a: !!bool maybe\n"])
def test_wrong_value_for_an_explicit_plain_tag_is_refused(text):
    assert "is not a valid" in refused(text)


def test_dates_and_a_lone_equals_sign_are_text():
    data = load_yaml_text("a: 2024-01-31\nb: =\nc: !!str 5\nd: 07\n", "x.yml")
    assert data == {"a": "2024-01-31", "b": "=", "c": "5", "d": 7}


def load_file(path: Path) -> str:
    with pytest.raises(ConfigError) as info:
        load_yaml_file(path, "configuration file")
    message = str(info.value)
    assert message.startswith(f"{path}: ")
    assert "\n" not in message
    return message


def test_folder_missing_file_binary_and_non_utf8_are_refused(tmp_path):
    assert "is a folder" in load_file(tmp_path)
    assert "configuration file not found" in load_file(tmp_path / "nope.yml")
    binary = tmp_path / "bin.yml"
    binary.write_bytes(b"\x00\x01\x02\xff\xfe" * 20)
    assert "not UTF-8 text (byte 0xff at position 3)" in load_file(binary)
    latin = write(tmp_path / "latin.yml", "version: 1\n# Übersicht\n", encoding="latin-1")
    assert "save the configuration file as UTF-8" in load_file(latin)
    nul = tmp_path / "nul.yml"
    nul.write_bytes(b"version: 1\x00\n")
    assert "character #x0000 is not allowed" in load_file(nul)
    big = write(tmp_path / "big.yml", "# " + "x" * yaml_safe.MAX_BYTES + "\n")
    assert "larger than" in load_file(big)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_fifo_is_refused_without_waiting_for_a_writer(tmp_path):
    fifo = tmp_path / "dataguard.yml"
    os.mkfifo(fifo)

    def hung(*_):
        raise AssertionError("reading the FIFO blocked")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(5)
    try:
        assert "not a regular file" in load_file(fifo)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def test_the_documented_limits_are_the_limits_in_the_code():
    from kmu_dataguard.config import MAX_NAME

    doc = (Path(__file__).parents[1] / "docs" / "configuration-safety.md").read_text("utf-8")
    assert f"| {yaml_safe.MAX_BYTES:,} bytes |" in doc
    assert f"| {MAX_NODES:,} values |" in doc
    assert f"| {MAX_DEPTH} levels |" in doc
    assert f"| {yaml_safe.MAX_NUMBER_CHARS} characters |" in doc
    assert f"at most {MAX_NAME} characters (they become file names" in doc


def test_unreadable_file_is_refused(tmp_path, monkeypatch):
    path = write(tmp_path / "dataguard.yml", "version: 1\n")
    real_open = os.open

    def denied(file, *args, **kwargs):
        if Path(file) == path:
            raise PermissionError(13, "Permission denied")
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(os, "open", denied)  # root can read a chmod 000 file, so simulate it
    assert "cannot read configuration file (Permission denied)" in load_file(path)
