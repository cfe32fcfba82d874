"""``POST /v1/check`` and ``?wait=false`` against a real uvicorn server and a real HTTP client.

Uploads are the demo's CRM export, an .xlsx written with openpyxl and a DATEV EXTF file; the
hostile ones are too large, too long, broken, cut off by the client. Every test that uploads
points the server's upload folder into tmp_path and checks it is empty afterwards.
"""

from __future__ import annotations

import asyncio
import csv
import re
import socket
import time
from pathlib import Path

import httpx
import pytest
from openpyxl import Workbook

from kmu_dataguard.service.auth import parse_tokens
from tests.support.datev_files import write_datev
from tests.support.service_server import no_traceback

TOKENS = "right-token-4711\nnarrow-token-0815 payments\nupload-token-2222 payments,check\n"


@pytest.fixture
def uploads(tmp_path: Path) -> Path:
    folder = tmp_path / "uploads"
    folder.mkdir()
    return folder


def _emptied(folder: Path, within_s: float = 60) -> bool:
    """The upload folder is empty (at once, or once the run still going has ended)."""
    deadline = time.monotonic() + within_s
    while any(folder.iterdir()):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def _contacts_xlsx(csv_path: Path, target: Path) -> Path:
    book = Workbook()
    sheet = book.active
    with csv_path.open(encoding="cp1252", newline="") as fh:
        for row in csv.reader(fh, delimiter=";"):
            sheet.append(row)
    book.save(target)
    return target


def test_the_crm_export_is_checked_like_dataguard_check(serve, client, world, uploads):
    base = serve(upload_dir=str(uploads))
    with world.contacts_csv.open("rb") as fh:
        answer = no_traceback(
            client.post(
                f"{base}/v1/check",
                params={"suite": "contacts", "key": "contact_id", "lang": "de"},
                files={"file": ("crm_contacts.csv", fh, "text/csv")},
            )
        )
    assert answer.status_code == 409, answer.text
    doc = answer.json()
    assert doc["verdict"] == "blocked" and doc["gate"] is None
    [check] = doc["checks"]
    assert check["name"] == "crm_contacts" and check["rows"] == 30
    assert check["source"] == "input: crm_contacts.csv"  # the client's name, no temp path
    assert str(uploads) not in answer.text
    failing = [e for e in check["expectations"] if e["unexpected_count"]]
    assert failing, "the demo's broken e-mail address must be found"
    # the run can be read again under the id of Content-Location and under its history run_id
    again = client.get(base + answer.headers["content-location"])
    assert again.status_code == 409 and again.json() == doc
    assert client.get(f"{base}/v1/runs/{doc['run_id']}").json() == doc
    assert _emptied(uploads)


def test_parameters_may_be_form_fields_and_an_xlsx_is_read(serve, client, world, uploads):
    base = serve(upload_dir=str(uploads))
    book = _contacts_xlsx(world.contacts_csv, uploads.parent / "Kontakte.xlsx")
    answer = client.post(
        f"{base}/v1/check",
        data={"suite": "contacts", "key": "contact_id"},
        files={"file": ("Kontakte.xlsx", book.read_bytes())},
    )
    assert answer.status_code == 409, answer.text
    [check] = answer.json()["checks"]
    assert check["rows"] == 30 and check["source"] == "input: Kontakte.xlsx (sheet 0)"
    # a workbook sent under another name is still read as one
    renamed = client.post(
        f"{base}/v1/check",
        params={"suite": "contacts"},
        files={"file": ("export", book.read_bytes())},
    )
    assert renamed.status_code == 409 and renamed.json()["checks"][0]["rows"] == 30
    both = client.post(
        f"{base}/v1/check",
        params={"suite": "contacts"},
        data={"suite": "customers"},
        files={"file": ("k.csv", b"a;b\n1;2\n")},
    )
    assert both.status_code == 422
    assert both.json()["error"] == "suite given twice, as 'contacts' and 'customers'"
    assert _emptied(uploads)


def test_a_datev_file_is_read_through_its_profile(serve, client, uploads, datev_records):
    base = serve(upload_dir=str(uploads))
    export = write_datev(uploads.parent / "EXTF_Debitoren.csv", datev_records)
    answer = no_traceback(
        client.post(
            f"{base}/v1/check",
            params={"profile": "datev", "entity": "customers"},
            files={"file": ("EXTF_Debitoren.csv", export.read_bytes())},
        )
    )
    assert answer.status_code in (200, 409), answer.text
    [check] = answer.json()["checks"]
    assert check["suite"] == "customers" and check["rows"] == 2  # the debtors of the four
    assert check["source"] == "input: EXTF_Debitoren.csv (DATEV customers)"
    without_entity = no_traceback(
        client.post(
            f"{base}/v1/check",
            params={"profile": "datev", "suite": "customers"},
            files={"file": ("EXTF_Debitoren.csv", export.read_bytes())},
        )
    )
    assert without_entity.status_code == 422
    assert without_entity.json()["error"].startswith("entity: required for a source with a profile")
    assert _emptied(uploads)


@pytest.mark.parametrize(
    ("params", "files", "message"),
    [
        ({"suite": "nope"}, {"file": ("k.csv", b"a\n1\n")}, "no suite named 'nope'"),
        ({"suite": "contacts", "lang": "fr"}, {"file": ("k.csv", b"a\n")}, "lang must be de"),
        ({"suite": "contacts", "suiet": "x"}, {"file": ("k.csv", b"a\n")}, "unknown parameter"),
        ({"suite": "contacts"}, {"other": ("k.csv", b"a\n")}, "in the form field 'file'"),
        ({"suite": "contacts", "min_rows": "0"}, {"file": ("k.csv", b"a\n")}, "min_rows must"),
        ({"suite": "contacts", "map": "PLZ"}, {"file": ("k.csv", b"a\n")}, "write HEADER=column"),
        (
            {"suite": "contacts"},
            {"file": ("Kunden.xlsx", b"PK\x03\x04 not really a workbook")},
            "Kunden.xlsx: is not an .xlsx workbook",
        ),
        (
            {"suite": "contacts"},
            {"file": ("leer.csv", b"")},
            "leer.csv",
        ),
    ],
)
def test_bad_parameters_and_unreadable_files_answer_422(
    serve, client, uploads, params, files, message
):
    base = serve(upload_dir=str(uploads))
    answer = no_traceback(client.post(f"{base}/v1/check", params=params, files=files))
    assert answer.status_code == 422, answer.text
    assert message in answer.json()["error"] and answer.json()["status"] == 422
    assert "\n" not in answer.json()["error"] and str(uploads) not in answer.text
    assert _emptied(uploads)


def test_no_file_at_all_answers_422(serve, client, uploads):
    base = serve(upload_dir=str(uploads))
    fields_only = client.post(
        f"{base}/v1/check", files={"suite": (None, "contacts")}, params={"key": "id"}
    )
    assert fields_only.status_code == 422
    assert fields_only.json()["error"].startswith("no file uploaded")
    not_a_form = client.post(f"{base}/v1/check", content=b"a;b\n", params={"suite": "contacts"})
    assert not_a_form.status_code == 422 and "multipart/form-data" in not_a_form.json()["error"]
    broken = client.post(
        f"{base}/v1/check",
        content=b"--xyz\r\nno headers at all",
        headers={"Content-Type": "multipart/form-data; boundary=xyz"},
    )
    assert broken.status_code == 422, broken.text
    assert _emptied(uploads)


def test_an_upload_over_the_size_limit_answers_413(serve, client, uploads):
    base = serve(upload_dir=str(uploads), max_upload_mb=1)
    big = b"id;name\n" + b"1;" + b"x" * (1024 * 1024 + 10) + b"\n"
    answer = no_traceback(
        client.post(
            f"{base}/v1/check", params={"suite": "contacts"}, files={"file": ("big.csv", big)}
        )
    )
    assert answer.status_code == 413
    assert answer.json()["error"].startswith("big.csv: larger than --max-upload-mb 1 MB")
    # a declared length beyond the limit is refused before the body is read
    huge = b"--b\r\n" + b"x" * (3 * 1024 * 1024)
    early = client.post(
        f"{base}/v1/check",
        content=huge,
        headers={"Content-Type": "multipart/form-data; boundary=b"},
    )
    assert early.status_code == 413 and "the upload: larger than" in early.json()["error"]
    assert client.get(f"{base}/healthz").status_code == 200
    assert _emptied(uploads)


def test_more_rows_than_the_limit_answers_413(serve, client, world, uploads):
    base = serve(upload_dir=str(uploads), max_upload_rows=10)
    text = world.contacts_csv.read_bytes()
    lines = no_traceback(
        client.post(
            f"{base}/v1/check",
            params={"suite": "contacts"},
            files={"file": ("crm_contacts.csv", text)},
        )
    )
    assert lines.status_code == 413
    message = lines.json()["error"]
    assert re.match(
        r"crm_contacts.csv: at least \d+ lines, more than --max-upload-rows 10 ", message
    )
    # a workbook is counted when it is read
    book = _contacts_xlsx(world.contacts_csv, uploads.parent / "k.xlsx")
    rows = client.post(
        f"{base}/v1/check",
        params={"suite": "contacts"},
        files={"file": ("k.xlsx", book.read_bytes())},
    )
    assert rows.status_code == 413
    assert rows.json()["error"].startswith("k.xlsx: 30 rows, more than --max-upload-rows 10")
    assert _emptied(uploads)


def test_a_client_gone_mid_upload_or_mid_run_does_not_harm_the_server(
    serve, client, world, uploads
):
    base = serve(upload_dir=str(uploads))
    port = int(base.rsplit(":", 1)[1])
    head = (
        "POST /v1/check?suite=contacts HTTP/1.1\r\nHost: x\r\n"
        "Content-Type: multipart/form-data; boundary=b\r\nContent-Length: 1000000\r\n\r\n"
        '--b\r\nContent-Disposition: form-data; name="file"; filename="k.csv"\r\n\r\n'
        "id;name\r\n1;a\r\n"
    )
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall(head.encode())
        deadline = time.monotonic() + 10
        while not any(uploads.iterdir()) and time.monotonic() < deadline:
            time.sleep(0.02)  # the server has begun to write the file
        assert any(uploads.iterdir())
    assert _emptied(uploads, within_s=10)
    # Long enough to be running when the client gives up, however fast a warm run is: every
    # contact many times over (duplicate partners to compare).
    header, *rows = world.contacts_csv.read_bytes().splitlines(keepends=True)
    slow = header + b"".join(rows * 60)
    with httpx.Client(timeout=0.2) as impatient, pytest.raises(httpx.TimeoutException):
        impatient.post(
            f"{base}/v1/check",
            params={"suite": "contacts"},
            files={"file": ("crm_contacts.csv", slow)},
        )
    assert client.get(f"{base}/healthz").status_code == 200
    assert _emptied(uploads)  # the run went on to its end, then its file was removed
    after = client.post(
        f"{base}/v1/check",
        params={"suite": "contacts"},
        files={"file": ("crm_contacts.csv", world.contacts_csv.read_bytes())},
    )
    assert after.status_code == 409


def test_twenty_uploads_at_once_are_all_answered(serve, world, uploads):
    base = serve(upload_dir=str(uploads), max_runs=2, queue_s=0.5)
    body = world.contacts_csv.read_bytes()

    async def twenty() -> list[httpx.Response]:
        async with httpx.AsyncClient(timeout=120) as http:
            return await asyncio.gather(
                *(
                    http.post(
                        f"{base}/v1/check",
                        params={"suite": "contacts"},
                        files={"file": (f"k{i}.csv", body)},
                    )
                    for i in range(20)
                )
            )

    responses = asyncio.run(twenty())
    statuses = [r.status_code for r in responses]
    assert set(statuses) <= {409, 429} and 409 in statuses, statuses
    for refused in (r for r in responses if r.status_code == 429):
        assert refused.headers["retry-after"] == "1" and refused.json()["status"] == 429
    assert _emptied(uploads)


def test_wait_false_answers_202_and_the_run_is_polled_to_its_verdict(
    serve, client, world, uploads, monkeypatch
):
    monkeypatch.setenv("DATAGUARD_HISTORY", "off")  # pollable without a history run_id
    base = serve(upload_dir=str(uploads))
    started = client.post(f"{base}/v1/gates/invoicing/runs", params={"wait": "false"})
    assert started.status_code == 202
    body = started.json()
    assert body["status"] == "running" and body["id"].startswith("svc-")
    assert body["url"] == f"/v1/runs/{body['id']}"
    assert started.headers["location"] == base + body["url"]  # absolute, for Power Automate
    polls = [client.get(base + body["url"])]
    while polls[-1].status_code == 202:
        assert polls[-1].json() == body and polls[-1].headers["retry-after"] == "2"
        time.sleep(0.2)
        polls.append(client.get(base + body["url"]))
    assert polls[-1].status_code == 409
    assert polls[-1].json()["verdict"] == "blocked" and polls[-1].json()["run_id"] is None
    # an upload too, with wait as a form field
    upload = client.post(
        f"{base}/v1/check",
        data={"suite": "contacts", "wait": "false"},
        files={"file": ("crm_contacts.csv", world.contacts_csv.read_bytes())},
    )
    assert upload.status_code == 202
    final = client.get(upload.headers["location"])
    while final.status_code == 202:
        time.sleep(0.2)
        final = client.get(upload.headers["location"])
    assert final.status_code == 409 and final.json()["checks"][0]["rows"] == 30
    assert client.get(f"{base}/v1/gates/payments/runs").status_code == 405
    bad = client.post(f"{base}/v1/gates/payments/runs", params={"wait": "later"})
    assert (
        bad.status_code == 422 and bad.json()["error"] == "wait must be true or false, not 'later'"
    )
    assert _emptied(uploads)


def test_an_unreadable_upload_polled_answers_its_422(serve, client, uploads):
    base = serve(upload_dir=str(uploads))
    started = client.post(
        f"{base}/v1/check",
        params={"suite": "contacts", "wait": "false"},
        files={"file": ("Kunden.xlsx", b"PK\x03\x04 broken")},
    )
    assert started.status_code == 202
    final = client.get(started.headers["location"])
    while final.status_code == 202:
        time.sleep(0.2)
        final = client.get(started.headers["location"])
    assert final.status_code == 422 and final.json()["error"].startswith("Kunden.xlsx:")


def test_tokens_guard_the_upload_and_its_runs(serve, client, world, uploads):
    base = serve(tokens=parse_tokens(TOKENS, "test"), upload_dir=str(uploads))
    url = f"{base}/v1/check"
    files = {"file": ("crm_contacts.csv", world.contacts_csv.read_bytes())}
    params = {"suite": "contacts"}
    missing = client.post(url, params=params, files=files)
    assert missing.status_code == 401 and missing.headers["www-authenticate"].startswith("Bearer")
    wrong = client.post(url, params=params, files=files, headers={"Authorization": "Bearer no"})
    assert wrong.status_code == 401
    narrow = {"Authorization": "Bearer narrow-token-0815"}
    forbidden = no_traceback(client.post(url, params=params, files=files, headers=narrow))
    assert forbidden.status_code == 403
    assert forbidden.json()["error"] == "this token may not use gate 'check'"
    granted = {"Authorization": "Bearer upload-token-2222"}
    done = client.post(url, params=params, files=files, headers=granted)
    assert done.status_code == 409
    run_url = base + done.headers["content-location"]
    assert client.get(run_url).status_code == 401
    assert client.get(run_url, headers=narrow).status_code == 403
    assert client.get(run_url, headers=granted).status_code == 409
    right = {"Authorization": "Bearer right-token-4711"}
    assert client.post(url, params=params, files=files, headers=right).status_code == 409
    started = client.post(f"{base}/v1/gates/invoicing/runs?wait=false", headers=right)
    assert started.status_code == 202
    assert client.get(started.headers["location"], headers=narrow).status_code == 403
    assert _emptied(uploads)


def test_the_upload_is_never_kept_in_memory_whole(serve, client, uploads):
    """The file part goes to disk as it arrives: a body that never ends is cut at the limit."""
    base = serve(upload_dir=str(uploads), max_upload_mb=1)

    def endless() -> object:
        yield b'--b\r\nContent-Disposition: form-data; name="file"; filename="e.csv"\r\n\r\n'
        chunk = b"1;" + b"x" * 65534 + b"\n"
        for _ in range(10_000):  # 640 MB if nobody stopped it
            yield chunk

    answer = client.post(
        f"{base}/v1/check",
        content=endless(),
        headers={"Content-Type": "multipart/form-data; boundary=b"},
    )
    assert answer.status_code == 413 and answer.json()["error"].startswith("e.csv: larger")
    assert _emptied(uploads)


def test_wait_false_beyond_the_run_limit_answers_429_not_202(serve, client, world, uploads):
    base = serve(upload_dir=str(uploads), max_runs=1, queue_s=0.05)
    first = client.post(f"{base}/v1/gates/invoicing/runs", params={"wait": "false"})
    assert first.status_code == 202
    refused = no_traceback(
        client.post(
            f"{base}/v1/check",
            params={"suite": "contacts", "wait": "false"},
            files={"file": ("crm_contacts.csv", world.contacts_csv.read_bytes())},
        )
    )
    assert refused.status_code == 429 and refused.headers["retry-after"] == "1"
    final = client.get(first.headers["location"])
    while final.status_code == 202:
        time.sleep(0.2)
        final = client.get(first.headers["location"])
    assert final.status_code == 409
    assert _emptied(uploads)
