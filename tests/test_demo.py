"""`dataguard demo` builds the world and shows the gate blocking on the seeded defects."""

from __future__ import annotations

import csv
import shlex
import sqlite3

from kmu_dataguard.cli.demo import invoked_as
from kmu_dataguard.demo.world import build_world


def test_demo_command_works(tmp_path, dataguard):
    run = dataguard("demo", "--dir", str(tmp_path / "a"))
    assert run.code == 0, run.err
    assert "BLOCKED" in run.out
    assert (tmp_path / "a" / "report" / "index.html").is_file()
    assert str(tmp_path / "a" / "report" / "index.html") in run.out


def test_the_demo_s_approve_instruction_works_as_printed(tmp_path, dataguard, monkeypatch):
    """`make demo` uses a relative --dir; the printed `cd DIR && dataguard approve …` must find
    the history the demo recorded (beside its dataguard.yml), and `dataguard history` too."""
    monkeypatch.delenv("DATAGUARD_HISTORY")
    monkeypatch.chdir(tmp_path)
    demo = dataguard("demo", "--dir", "demo")
    assert demo.code == 0
    instruction = next(line for line in demo.out.splitlines() if "dataguard approve" in line)
    folder, _, command = instruction.strip().partition(" && ")
    assert folder == "cd demo"
    monkeypatch.chdir(tmp_path / "demo")
    words = shlex.split(command)
    program, argv = words[: words.index("approve")], words[words.index("approve") :]
    assert program == [invoked_as()] or program[1:] == ["-m", "kmu_dataguard"]
    approved = dataguard(*argv)
    assert approved.code == 0, approved.err
    assert dataguard("gate", "payments").code == 0
    listed = dataguard("history", "payments", "--format", "json").json()
    assert [r["verdict"] for r in listed["runs"]] == ["pass", "blocked", "pass"]
    assert not (tmp_path / "demo" / "demo").exists()


def test_the_printed_command_can_be_typed_from_any_folder(tmp_path, monkeypatch):
    """`make demo` runs .venv/bin/dataguard, which is not on PATH: print its full path."""
    bin_dir = tmp_path / "venv bin"
    bin_dir.mkdir()
    script = bin_dir / "dataguard"
    script.write_text("#!/bin/sh\n")
    script.chmod(0o755)
    monkeypatch.setattr("sys.argv", [str(script), "demo"])
    monkeypatch.setenv("PATH", "/nonexistent")
    assert shlex.split(invoked_as()) == [str(script.resolve())]
    monkeypatch.setenv("PATH", str(bin_dir))
    assert invoked_as() == "dataguard"
    monkeypatch.setattr("sys.argv", ["/x/kmu_dataguard/__main__.py", "demo"])
    monkeypatch.setenv("PATH", "/nonexistent")
    assert shlex.split(invoked_as())[1:] == ["-m", "kmu_dataguard"]


def test_demo_world_is_deterministic(tmp_path):
    a = build_world(tmp_path / "a")
    b = build_world(tmp_path / "b")
    assert a.defects == b.defects
    assert a.contacts_csv.read_bytes() == b.contacts_csv.read_bytes()
    dumps = []
    for world in (a, b):
        with sqlite3.connect(world.database) as conn:
            dumps.append(list(conn.iterdump()))
        conn.close()
    assert dumps[0] == dumps[1]


def test_demo_files_look_like_german_exports(world):
    raw = world.contacts_csv.read_bytes()
    assert b"\r\n" in raw and b";" in raw.splitlines()[0]
    raw.decode("cp1252")
    with world.contacts_csv.open(encoding="cp1252") as f:
        assert next(csv.reader(f, delimiter=";"))[0] == "contact_id"
    with sqlite3.connect(world.database) as conn:
        postal = {r[0] for r in conn.execute("SELECT postal_code FROM customers")}
    conn.close()
    assert any(p.startswith("0") for p in postal if p)


def test_demo_defects_are_documented(world):
    doc = (world.folder / "DEFECTS.md").read_text()
    for defect in world.defects:
        assert defect.key in doc
