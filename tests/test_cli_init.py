"""``dataguard init``: the command's text and JSON output, --write, refusals and exit codes.

The exports are built by :mod:`tests.support.onboarding_exports` (see there for the column
names' sources).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pandas as pd
import pytest

from kmu_dataguard.cli import main
from kmu_dataguard.onboarding import propose
from tests.support import onboarding_exports as ox


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out = capsys.readouterr()
    return code, out.out, out.err


def test_unrelated_data_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["init", str(ox.weather(tmp_path))], capsys)
    assert code == 2
    assert out == ""
    assert "no customers, suppliers, articles or contacts recognised" in err
    assert "--entity" in err


def test_json_document(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path, _, expected = ox.misleading(tmp_path)
    code, out, _ = run(["init", str(path), "--format", "json"], capsys)
    assert code == 0
    doc = json.loads(out)
    assert set(doc) == {
        "schema_version", "source", "entity", "confidence", "columns", "missing", "written"
    }  # fmt: skip
    assert doc["schema_version"] == 1
    assert doc["source"] == str(path)
    assert doc["entity"] == "customers"
    assert 0 < doc["confidence"] <= 1
    assert [c["source"] for c in doc["columns"]] == list(expected)
    for column in doc["columns"]:
        assert set(column) == {"source", "canonical", "confidence", "evidence"}
        assert column["evidence"] in ("header", "content", "both", "none")
    assert {c["source"]: c["canonical"] for c in doc["columns"]} == expected
    assert "phone" in doc["missing"] and "iban" not in doc["missing"]
    assert doc["written"] == []


def test_text_output_shows_mapping_and_next_step(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path, _, _ = ox.misleading(tmp_path)
    code, out, _ = run(["init", str(path), "--lang", "de"], capsys)
    assert code == 0
    telefon = next(line for line in out.splitlines() if line.startswith("Telefon"))
    assert "iban" in telefon and "Inhalt (gültige IBANs)" in telefon
    assert f"Weiter: Zuordnung prüfen, dann: dataguard init {path} --write ." in out
    code, out, _ = run(["init", str(path), "--lang", "en"], capsys)
    telefon = next(line for line in out.splitlines() if line.startswith("Telefon"))
    assert "content (valid IBANs)" in telefon
    assert f"Next: check the mapping, then: dataguard init {path} --write ." in out


def test_write_then_gate(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path, _, _ = ox.lexoffice(tmp_path)
    out_dir = tmp_path / "setup"
    code, out, _ = run(["init", str(path), "--write", str(out_dir), "--format", "json"], capsys)
    assert code == 0
    written = json.loads(out)["written"]
    assert written == [
        str(out_dir / "connectors" / "lexoffice_kontakte.yml"),
        str(out_dir / "dataguard.yml"),
    ]
    monkeypatch.chdir(out_dir)
    code, out, err = run(["gate", "lexoffice_kontakte", "--format", "json"], capsys)
    assert code in (0, 1), err  # the data's verdict, not a configuration error
    assert f'"rows": {ox.N}' in out  # every record of the export was read through the profile


def test_write_refuses_to_overwrite(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path, _, _ = ox.misleading(tmp_path)
    out_dir = tmp_path / "setup"
    out_dir.mkdir()
    (out_dir / "dataguard.yml").write_text("mine\n", encoding="utf-8")
    code, _, err = run(["init", str(path), "--write", str(out_dir)], capsys)
    assert code == 2
    assert str(out_dir / "dataguard.yml") in err and "--force" in err
    assert (out_dir / "dataguard.yml").read_text(encoding="utf-8") == "mine\n"
    assert not (out_dir / "connectors").exists()
    code, _, _ = run(["init", str(path), "--write", str(out_dir), "--force"], capsys)
    assert code == 0
    assert "connectors_dir: connectors" in (out_dir / "dataguard.yml").read_text(encoding="utf-8")


def test_database_url_needs_a_table(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["init", "sqlite:///erp.db"], capsys)
    assert code == 2
    assert "--table" in err


def test_sqlite_table_then_gate(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import sqlite3

    path, _, expected = ox.misleading(tmp_path)
    frame = pd.read_csv(path, dtype=str, sep=";")
    database = tmp_path / "erp.db"
    with sqlite3.connect(database) as conn:
        frame.to_sql("kunden", conn, index=False)
    monkeypatch.chdir(tmp_path)  # a relative SQLite path is written absolute
    out_dir = tmp_path / "setup"
    argv = ["init", "sqlite:///erp.db", "--table", "kunden", "--write", str(out_dir)]
    code, out, err = run([*argv, "--format", "json"], capsys)
    assert code == 0, err
    doc = json.loads(out)
    assert doc["entity"] == "customers"
    assert {c["source"]: c["canonical"] for c in doc["columns"]} == expected
    assert "kind: sql" in (out_dir / "connectors" / "kunden.yml").read_text(encoding="utf-8")
    assert str(database) in (out_dir / "dataguard.yml").read_text(encoding="utf-8")
    monkeypatch.chdir(out_dir)
    code, out, err = run(["gate", "kunden", "--format", "json"], capsys)
    assert code in (0, 1), err
    assert f'"rows": {ox.N}' in out


def test_database_password_is_not_written(tmp_path: Path) -> None:
    from kmu_dataguard.errors import ConfigError
    from kmu_dataguard.onboarding import write_setup
    from kmu_dataguard.onboarding.mapping import SqlOrigin

    frame = pd.DataFrame({"Kundennummer": ["1", "2"], "Name": ["A", "B"], "PLZ": ["10115", "1"]})
    proposal = propose(frame, source="postgresql://erp:***@db/erp (table kunden)")
    proposal.sql = SqlOrigin("postgresql://erp:geheim@db/erp", "kunden", "SELECT * FROM kunden")
    with pytest.raises(ConfigError, match="password"):
        write_setup(proposal, tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_datev_export_then_gate(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.support.datev_files import write_datev

    records = [{1: 10001 + i, 2: ox.FIRMS[i % 4], 45: ox.an_iban(i)} for i in range(ox.N)]
    path = write_datev(tmp_path / "EXTF_Debitoren.csv", records)
    out_dir = tmp_path / "setup"
    code, out, err = run(["init", str(path), "--write", str(out_dir), "--format", "json"], capsys)
    assert code == 0, err
    doc = json.loads(out)
    assert doc["entity"] == "customers"
    mapped = {c["source"]: c["canonical"] for c in doc["columns"]}
    assert mapped["customer_id"] == "customer_id" and mapped["iban"] == "iban"
    profile = (out_dir / "connectors" / "extf_debitoren.yml").read_text(encoding="utf-8")
    assert "kind: datev" in profile
    monkeypatch.chdir(out_dir)
    code, out, err = run(["gate", "extf_debitoren", "--format", "json"], capsys)
    assert code in (0, 1), err
    assert f'"rows": {ox.N}' in out


def test_init_does_not_import_great_expectations(tmp_path: Path) -> None:
    import subprocess
    import sys

    path, _, _ = ox.misleading(tmp_path)
    probe = (
        "import sys; from kmu_dataguard.cli import main; "
        f"code = main(['init', {str(path)!r}, '--format', 'json']); "
        "sys.exit(code or ('great_expectations' in sys.modules) * 9)"
    )
    root = Path(__file__).parents[1]
    env = {**os.environ, "PYTHONPATH": str(root)}
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, env=env, check=False)
    assert done.returncode == 0, done.stderr


def test_written_profile_names_private_customers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """First and last name columns become a computed name: a private customer has one."""
    export = tmp_path / "Kunden.csv"
    export.write_text(
        "Kundennummer;Firmenname;Vorname;Nachname;PLZ;Ort;Land\n"
        "10001;Muster GmbH;;;01067;Dresden;DE\n"
        "10002;;Erika;Mustermann;80331;München;DE\n"
        "10003;;;;80331;München;DE\n",
        encoding="cp1252",
    )
    code, _, _ = run(["init", str(export), "--write", str(tmp_path)], capsys)
    assert code == 0
    profile = (tmp_path / "connectors" / "kunden.yml").read_text(encoding="utf-8")
    assert "computed:" in profile and "else_join:" in profile
    code, out, _ = run(
        ["gate", "kunden", "--config", str(tmp_path / "dataguard.yml"), "--format", "json"],
        capsys,
    )
    doc = json.loads(out)
    failing = {
        e["id"]: e["failing_keys"] for e in doc["checks"][0]["expectations"] if not e["success"]
    }
    assert failing.get("customers.name_present") == ["10003"], failing


def test_postal_code_and_city_in_one_field_become_a_split_rule(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    export = tmp_path / "Adressen.csv"
    export.write_text(
        "Kd.-Nr.;Firma;Anschrift;PLZ Ort;Land\n"
        "10001;Muster GmbH;Hauptstr. 1;01067 Dresden;DE\n"
        "10002;Beispiel KG;Marktplatz 2;D-80331 München;DE\n"
        "10003;Probe e.K.;Weg 3;1067 Dresden;DE\n"  # the leading zero lost in Excel
        "10004;Test AG;Ring 4;1010 Wien;AT\n",
        encoding="utf-8",
    )
    code, out, _ = run(["init", str(export), "--format", "json"], capsys)
    assert code == 0
    combined = next(c for c in json.loads(out)["columns"] if c["source"] == "PLZ Ort")
    assert combined["canonical"] == "postal_code" and combined["split"] == ["postal_code", "city"]
    assert "city" not in json.loads(out)["missing"]
    code, out, _ = run(["init", str(export), "--write", str(tmp_path), "--lang", "de"], capsys)
    assert "PLZ Ort" in out and "PLZ + Ort" in out and "wird geteilt" in out
    profile = (tmp_path / "connectors" / "adressen.yml").read_text(encoding="utf-8")
    assert "split:" in profile and "from: PLZ Ort" in profile
    code, out, _ = run(
        ["gate", "adressen", "--config", str(tmp_path / "dataguard.yml"), "--format", "json"],
        capsys,
    )
    failing = {
        e["id"]: e["failing_keys"] for e in json.loads(out)["checks"][0]["expectations"]
        if not e["success"]
    }  # fmt: skip
    # The split postal codes are judged per country: only the four-digit German one fails.
    assert failing.get("customers.postal_code_matches_country") == ["10003"], failing
    assert "customers.city_present" not in failing


def _at_a_terminal(argv: list[str], answer: str) -> str:
    """Run the real CLI with stdin and stdout on a pseudo-terminal; answer its question."""
    import pty
    import select
    import subprocess
    import sys
    import time

    leader, follower = pty.openpty()
    root = Path(__file__).parents[1]
    env = {**os.environ, "PYTHONPATH": str(root), "COLUMNS": "200"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "kmu_dataguard", *argv],
        stdin=follower, stdout=follower, stderr=follower, env=env, close_fds=True,
    )  # fmt: skip
    os.close(follower)
    seen, asked, deadline = b"", False, time.monotonic() + 120
    while time.monotonic() < deadline:
        ready, _, _ = select.select([leader], [], [], 0.5)
        if ready:
            try:
                chunk = os.read(leader, 4096)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            seen += chunk
        if not asked and b"[j/N]" in seen:
            os.write(leader, answer.encode() + b"\n")
            asked = True
        if proc.poll() is not None and not ready:
            break
    proc.wait(timeout=30)
    os.close(leader)
    assert asked, seen.decode(errors="replace")
    assert proc.returncode == 0, seen.decode(errors="replace")
    return seen.decode(errors="replace")


def test_write_at_a_terminal_asks_once(tmp_path: Path) -> None:
    path, _, _ = ox.misleading(tmp_path)
    target = tmp_path / "setup"
    shown = _at_a_terminal(["init", str(path), "--write", str(target), "--lang", "de"], "n")
    assert "Telefon" in shown and "Stimmt die Zuordnung?" in shown
    assert "Nichts geschrieben" in shown and not target.exists()
    shown = _at_a_terminal(["init", str(path), "--write", str(target), "--lang", "de"], "j")
    assert "Geschrieben:" in shown and (target / "dataguard.yml").is_file()


def test_sheet_of_a_workbook(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "Hinweise"
    book.active.append(["Lieferantenliste Stand Dezember"])
    data = book.create_sheet("Lieferanten")
    data.append(["Lieferantennummer", "Firma", "IBAN", "Land"])
    data.append(["70001", "Muster GmbH", "DE89370400440532013000", "DE"])
    data.append(["70002", "Beispiel KG", "DE89370400440532013001", "DE"])
    path = tmp_path / "lieferanten.xlsx"
    book.save(path)
    code, _, err = run(["init", str(path)], capsys)
    assert code == 2 and "no customers, suppliers" in err  # the first sheet holds a note only
    code, _, _ = run(
        ["init", str(path), "--sheet", "Lieferanten", "--write", str(tmp_path)], capsys
    )
    assert code == 0
    assert "sheet: Lieferanten" in (tmp_path / "dataguard.yml").read_text(encoding="utf-8")
    code, out, _ = run(
        ["gate", "lieferanten", "--config", str(tmp_path / "dataguard.yml"), "--format", "json"],
        capsys,
    )
    doc = json.loads(out)
    assert doc["checks"][0]["rows"] == 2
    failing = {
        e["id"]: e["failing_keys"] for e in doc["checks"][0]["expectations"] if not e["success"]
    }
    assert failing.get("suppliers.iban_valid") == ["70002"], failing


def test_a_woocommerce_export_never_seen_before(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """WooCommerce's customer export (documented columns: customer_id, first_name, last_name,
    email, billing_*): dates are no phone numbers, billing_address_1 is the street, and the
    name of a private customer is computed from first and last name."""
    export = tmp_path / "woo.csv"
    export.write_text(
        "customer_id,first_name,last_name,email,billing_company,billing_address_1,"
        "billing_postcode,billing_city,billing_country,billing_phone,date_created\n"
        "11,Anna,Schmidt,anna@example.de,,Lindenweg 7,80331,München,DE,+49 89 1234567,2024-01-02\n"
        "12,Jens,Meier,j@meier.de,Meier GmbH,Hauptstr. 3,01067,Dresden,DE,0351 123456,2024-02-03\n"
        "13,Eva,Wolf,eva@wolf.at,,Ring 4,1010,Wien,AT,+43 1 234567,2024-03-04\n",
        encoding="utf-8",
    )
    code, out, _ = run(["init", str(export), "--format", "json"], capsys)
    assert code == 0
    mapped = {c["source"]: c["canonical"] for c in json.loads(out)["columns"]}
    assert mapped["billing_address_1"] == "street" and mapped["date_created"] is None
    assert mapped["billing_phone"] == "phone" and mapped["billing_company"] == "name"
    _, out, _ = run(["init", str(export), "--lang", "de"], capsys)
    date_line = next(line for line in out.splitlines() if line.startswith("date_created"))
    assert "Telefon" not in date_line
    assert "billing_company, sonst first_name + last_name" in out
