"""``POST /v1/check``: an uploaded export checked with a suite, as ``dataguard check`` does.

The body is parsed while it arrives (python-multipart's streaming parser): the file goes
straight into a private temporary folder (mode 0700), never whole into memory, and the upload
is refused with 413 as soon as it passes ``--max-upload-mb`` (or at once, by its
Content-Length) or, for a text file, has more lines than ``--max-upload-rows`` allows. The
folder is removed when the run ends, also when the upload fails or the client goes away.

A file that cannot be read (not a CSV, a broken workbook, a DATEV file without its header) is
the caller's mistake, so it answers 422 naming the file, not 503 like a gate whose database is
down. Messages name the file as the client sent it, never the temporary path.
"""

from __future__ import annotations

import logging
import re
import shutil
import tempfile
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import anyio.to_thread
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response

from kmu_dataguard._secrets import redact
from kmu_dataguard.config.models import Config
from kmu_dataguard.errors import ConfigError, one_line
from kmu_dataguard.results import GateResult, RunError
from kmu_dataguard.service.auth import Tokens
from kmu_dataguard.service.errors import ServiceError, error_response
from kmu_dataguard.service.responses import (
    choice,
    result_response,
    running_response,
)
from kmu_dataguard.service.runs import Job, Runs
from kmu_dataguard.sources.limits import MB, number

__all__ = ["CHECK_GRANT", "PARAMETERS", "UploadLimits", "check_endpoint", "receive_upload"]

log = logging.getLogger(__name__)

#: the name a gate-restricted token lists to be allowed to upload (``TOKEN payments,check``)
CHECK_GRANT = "check"
#: the parameters of POST /v1/check (query or form fields), as on ``dataguard check``
PARAMETERS = (
    "suite",
    "profile",
    "entity",
    "key",
    "sheet",
    "map",
    "fail_on",
    "lang",
    "allow_empty",
    "min_rows",
    "wait",
)
FILE_FIELD = "file"
_FORM_SLACK = MB  # the form's fields and boundaries on top of the file
_MAX_FIELD = 64 * 1024
_ZIP = b"PK\x03\x04"
_COMMAND_LINE = re.compile(r"^.*\(command line\): (checks\.[^.]+\.)?")


@dataclass(frozen=True)
class UploadLimits:
    max_bytes: int = 50 * MB
    max_rows: int = 1_000_000
    #: where the private upload folders are made (None: the system's temporary folder)
    folder: str | None = None


@dataclass
class Upload:
    """An upload received: its file in the private ``folder``, and the form's fields."""

    folder: Path
    fields: dict[str, str] = field(default_factory=dict)
    path: Path | None = None
    filename: str = "upload"


def check_endpoint(
    cfg: Config,
    tokens: Tokens,
    runs: Runs,
    limits: UploadLimits,
    timeout_s: float,
) -> Callable[[Request], Awaitable[Response]]:
    """The handler of POST /v1/check."""

    async def check_upload(request: Request) -> Response:
        tokens.require(request.headers.get("authorization"), CHECK_GRANT)
        _refuse_unknown(request.query_params.keys())
        folder = Path(tempfile.mkdtemp(prefix="dataguard-upload-", dir=limits.folder))
        handed_over = False
        try:
            upload = await receive_upload(request, folder, limits)
            params = _parameters(request, upload)
            wait = params.pop("wait", None) != "false"
            job = _check_job(cfg, upload, params, limits)
            pending = runs.start_job(job)
            pending.task.add_done_callback(lambda _: shutil.rmtree(folder, ignore_errors=True))
            handed_over = True
            if not wait:
                await runs.admitted(pending)
                return running_response(request, pending.id)
            return result_response(await runs.wait(pending, timeout_s), pending.id)
        except ClientDisconnect:
            log.info("POST /v1/check: the client went away during the upload")
            return error_response(400, "the upload was not complete")
        finally:
            if not handed_over:
                shutil.rmtree(folder, ignore_errors=True)

    return check_upload


def _refuse_unknown(names: Iterable[str]) -> None:
    for name in names:
        if name not in PARAMETERS:
            known = ", ".join(PARAMETERS)
            raise ServiceError(422, f"unknown parameter {name!r} (known: {known})")


def _parameters(request: Request, upload: Upload) -> dict[str, str]:
    """Query and form parameters together; one given both ways must agree."""
    _refuse_unknown(upload.fields)
    params = dict(request.query_params)
    for name, value in upload.fields.items():
        if params.setdefault(name, value) != value:
            raise ServiceError(422, f"{name} given twice, as {params[name]!r} and {value!r}")
    for name in ("fail_on", "lang", "wait", "allow_empty"):
        choice(name, params.get(name))
    if "min_rows" in params and not (params["min_rows"].isdigit() and int(params["min_rows"])):
        raise ServiceError(
            422, f"min_rows must be a whole number of at least 1, not {params['min_rows']!r}"
        )
    if upload.path is None:
        raise ServiceError(
            422, "no file uploaded: send it in the form field 'file' (curl -F file=@export.csv)"
        )
    return params


def _check_job(
    cfg: Config,
    upload: Upload,
    params: dict[str, str],
    limits: UploadLimits,
) -> Job:
    """The check of the uploaded file, with the served configuration's suites, profiles,
    history and report folder; its result tidied for the caller."""
    from kmu_dataguard.history.recording import store_url

    mapping = _mapping(params.get("map"))
    sheet = params.get("sheet")
    assert upload.path is not None
    path = upload.path
    secrets = set(cfg.secrets)

    def resolved(value: str | None) -> Path | None:
        return cfg.resolve_path(value) if value else None

    def run() -> GateResult:
        from kmu_dataguard.runner import run_check

        return run_check(
            path,
            params.get("suite"),
            key=params.get("key"),
            profile=params.get("profile"),
            entity=params.get("entity"),
            sheet=int(sheet) if sheet is not None and sheet.isdigit() else sheet,
            suites_dir=resolved(cfg.suites_dir),
            connectors_dir=resolved(cfg.connectors_dir),
            fail_on=params.get("fail_on", "critical"),
            report_dir=resolved(cfg.report_dir),
            lang=params.get("lang") or cfg.lang,
            allow_empty=params.get("allow_empty") == "true",
            min_rows=int(params["min_rows"]) if "min_rows" in params else None,
            mapping=mapping,
            history=store_url(cfg) or "off",
        )

    def named(text: str) -> str:
        """The client's file name for the private path; the configuration's secrets blanked."""
        return redact(text.replace(str(path), upload.filename), secrets)

    def job() -> GateResult:
        try:
            result = run()
        except ConfigError as exc:  # a wrong parameter: no suite, a DATEV file without entity
            # run_check names its configuration "(command line)"; here it is the parameters
            message = _COMMAND_LINE.sub("", named(one_line(exc)))
            raise ServiceError(422, message) from None
        _tidy(result, named)
        check = result.checks[0] if len(result.checks) == 1 else None
        if check is not None and check.errors and not check.rows and not check.expectations:
            raise ServiceError(422, check.errors[0])  # the file could not be read at all
        if check is not None and check.rows > limits.max_rows:
            raise _too_many_rows(upload.filename, limits, f"{number(check.rows)} rows")
        return result

    return job


def _tidy(result: GateResult, named: Callable[[str], str]) -> None:
    for check in result.checks:
        check.source = named(check.source)
        check.errors = [named(e) for e in check.errors]
        for outcome in check.expectations:
            if outcome.error is not None:
                outcome.error = named(outcome.error)
    result.errors = [RunError(e.check, named(e.message)) for e in result.errors]


def _mapping(value: str | None) -> dict[str, str] | None:
    from kmu_dataguard.header_map import parse_header_map

    try:
        return parse_header_map([value] if value is not None else [])
    except ValueError as exc:
        raise ServiceError(422, f"map: {exc}") from None


def _too_many_rows(filename: str, limits: UploadLimits, found: str) -> ServiceError:
    return ServiceError(
        413,
        f"{filename}: {found}, more than --max-upload-rows {number(limits.max_rows)} allows; "
        "split the export or raise the limit",
    )


def _too_large(filename: str, limits: UploadLimits) -> ServiceError:
    return ServiceError(
        413,
        f"{filename}: larger than --max-upload-mb {limits.max_bytes // MB} MB allows; "
        "split the export or raise the limit",
    )


async def receive_upload(request: Request, folder: Path, limits: UploadLimits) -> Upload:
    """Read the multipart body into ``folder`` while it arrives; 413/422 as soon as it must."""
    from python_multipart.exceptions import FormParserError
    from python_multipart.multipart import MultipartParser, parse_options_header

    kind, options = parse_options_header(request.headers.get("content-type", ""))
    boundary = options.get(b"boundary")
    if kind != b"multipart/form-data" or not boundary:
        raise ServiceError(
            422,
            "send the file as multipart/form-data in the field 'file' (curl -F file=@export.csv)",
        )
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > limits.max_bytes + _FORM_SLACK:
        raise _too_large("the upload", limits)
    form = _Form(folder, limits)
    parser = MultipartParser(boundary, form.callbacks())
    try:
        async for chunk in request.stream():
            parser.write(chunk)
            await form.flush()
        parser.finalize()
        await form.flush()
    except FormParserError as exc:
        message = f"the upload is not valid multipart/form-data ({one_line(exc)})"
        raise ServiceError(422, message) from None
    finally:
        form.close()
    return form.finish()


class _Form:
    """The callbacks of python-multipart's parser: fields kept, the file written to disk."""

    def __init__(self, folder: Path, limits: UploadLimits) -> None:
        self.upload = Upload(folder)
        self.limits = limits
        self._headers: list[tuple[bytes, bytes]] = []
        self._header = [b"", b""]
        self._name = ""
        self._is_file = False
        self._data = bytearray()
        self._file: IO[bytes] | None = None
        self._to_write: list[bytes] = []
        self._size = 0
        self._lines = 0
        self._head = b""

    def callbacks(self) -> dict[str, Callable[..., None]]:
        return {
            "on_part_begin": self._begin,
            "on_header_field": lambda d, s, e: self._header.__setitem__(
                0, self._header[0] + d[s:e]
            ),
            "on_header_value": lambda d, s, e: self._header.__setitem__(
                1, self._header[1] + d[s:e]
            ),
            "on_header_end": self._header_end,
            "on_headers_finished": self._headers_finished,
            "on_part_data": self._part_data,
            "on_part_end": self._part_end,
        }

    def _begin(self) -> None:
        self._headers, self._data, self._is_file, self._name = [], bytearray(), False, ""

    def _add_header(self, which: int, part: bytes) -> None:
        self._header[which] += part

    def _header_end(self) -> None:
        self._headers.append((self._header[0].lower(), self._header[1]))
        self._header = [b"", b""]

    def _headers_finished(self) -> None:
        from python_multipart.multipart import parse_options_header

        disposition = dict(self._headers).get(b"content-disposition", b"")
        _, options = parse_options_header(disposition)
        self._name = options.get(b"name", b"").decode("utf-8", "replace")
        self._is_file = b"filename" in options
        if not self._is_file:
            if len(self.upload.fields) >= len(PARAMETERS):
                raise ServiceError(422, "too many form fields")
            return
        if self._name != FILE_FIELD:
            raise ServiceError(422, f"send the file in the form field 'file', not {self._name!r}")
        if self._file is not None:
            raise ServiceError(422, "send one file per request")
        self.upload.filename = _safe_filename(options[b"filename"].decode("utf-8", "replace"))
        self._file = (self.upload.folder / "upload.part").open("xb")

    def _part_data(self, data: bytes, start: int, end: int) -> None:
        chunk = data[start:end]
        if not self._is_file:
            if len(self._data) + len(chunk) > _MAX_FIELD:
                raise ServiceError(422, f"form field {self._name!r} is too long")
            self._data += chunk
            return
        self._size += len(chunk)
        if self._size > self.limits.max_bytes:
            raise _too_large(self.upload.filename, self.limits)
        if len(self._head) < len(_ZIP):
            self._head += chunk[: len(_ZIP)]
        self._lines += chunk.count(b"\n")
        # A text file: a header line, then one line a record (a line break inside quotes
        # counts too, so this is an upper bound; the rows read are checked again after).
        if not self._head.startswith(_ZIP) and self._lines > self.limits.max_rows + 1:
            raise _too_many_rows(
                self.upload.filename, self.limits, f"at least {number(self._lines)} lines"
            )
        self._to_write.append(chunk)

    def _part_end(self) -> None:
        if not self._is_file:
            self.upload.fields[self._name] = self._data.decode("utf-8", "replace")

    async def flush(self) -> None:
        """Write what arrived, in a worker thread (the event loop serves other requests)."""
        if self._file is not None and self._to_write:
            data, self._to_write = b"".join(self._to_write), []
            await anyio.to_thread.run_sync(self._file.write, data)

    def close(self) -> None:
        if self._file is not None:
            self._file.close()

    def finish(self) -> Upload:
        if self._file is None:
            return self.upload
        name = self.upload.filename
        if self._head.startswith(_ZIP) and Path(name).suffix.lower() not in (".xlsx", ".xlsm"):
            name += ".xlsx"  # the readers choose Excel by the suffix
        self.upload.path = (self.upload.folder / "upload.part").rename(self.upload.folder / name)
        return self.upload


def _safe_filename(raw: str) -> str:
    """The client's file name without folders or odd characters: it names the check."""
    base = re.split(r"[\\/]", raw)[-1]
    name = re.sub(r"[^\w.\-]+", "_", base).strip("._")[:80]
    return name if name and name != "upload.part" else "upload"
