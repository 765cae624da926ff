"""Downloads check ``downloadable`` first, stream to a file or stream, and never leave a partial file."""

from __future__ import annotations

import asyncio
import io
import os
import stat
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from jobticket import APIConnectionError, ConflictError, NotDownloadableError, NotFoundError
from jobticket_api.models import EmployeeDocument

from .fakes import document_json, error_body, json_response, make_async_client, make_client

PDF = b"%PDF-1.4\n" + b"x" * 50_000 + b"\n%%EOF\n"


class BrokenStream(httpx.SyncByteStream):
    """Sends part of the body, then loses the connection."""

    def __iter__(self) -> Iterator[bytes]:
        yield PDF[:1000]
        raise httpx.ReadError("connection lost mid-body")


class Api:
    def __init__(
        self, *, downloadable: bool = True, download: Callable[[], httpx.Response] | None = None
    ) -> None:
        self.downloadable = downloadable
        self.download = download or (
            lambda: httpx.Response(200, content=PDF, headers={"Content-Type": "application/pdf"})
        )
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if request.url.path == "/employee-documents/101":
            return json_response(200, {"data": document_json(101, downloadable=self.downloadable)})
        if request.url.path == "/employee-documents/101/download":
            return self.download()
        return json_response(404, error_body())

    def downloads(self) -> list[httpx.Request]:
        return [r for r in self.requests if r.url.path.endswith("/download")]


def test_download_to_a_path_writes_the_whole_file(tmp_path: Path) -> None:
    api = Api()
    target = tmp_path / "invoice.pdf"
    with make_client(api) as client:
        result = client.download_document(101, target)
    assert target.read_bytes() == PDF
    assert result.bytes_written == len(PDF)
    assert result.path == target
    assert result.content_type == "application/pdf"
    assert [p.name for p in tmp_path.iterdir()] == ["invoice.pdf"]
    assert api.downloads()[0].headers["Accept"] == "application/pdf, application/json"


def test_download_to_a_stream(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with make_client(Api()) as client:
        result = client.download_document(101, buffer)
    assert buffer.getvalue() == PDF
    assert result.path is None


def test_a_failure_mid_body_leaves_no_file_and_keeps_an_existing_one(tmp_path: Path) -> None:
    api = Api(
        download=lambda: httpx.Response(
            200, stream=BrokenStream(), headers={"Content-Type": "application/pdf"}
        )
    )
    fresh = tmp_path / "new.pdf"
    existing = tmp_path / "old.pdf"
    existing.write_bytes(b"previous version")
    with make_client(api) as client:
        with pytest.raises(APIConnectionError):
            client.download_document(101, fresh)
        with pytest.raises(APIConnectionError):
            client.download_document(101, existing)
    assert not fresh.exists()
    assert existing.read_bytes() == b"previous version"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["old.pdf"]
    assert len(api.downloads()) == 2  # a body that broke after it started is not retried


def test_a_truncated_body_is_detected_by_its_length(tmp_path: Path) -> None:
    def short() -> httpx.Response:
        headers = {"Content-Type": "application/pdf", "Content-Length": str(len(PDF))}
        return httpx.Response(200, content=PDF[:100], headers=headers)

    target = tmp_path / "short.pdf"
    with make_client(Api(download=short)) as client, pytest.raises(APIConnectionError, match="truncated"):
        client.download_document(101, target)
    assert list(tmp_path.iterdir()) == []


def test_not_downloadable_is_refused_before_any_download_request(tmp_path: Path) -> None:
    api = Api(downloadable=False)
    with make_client(api) as client, pytest.raises(NotDownloadableError) as raised:
        client.download_document(101, tmp_path / "x.pdf")
    assert raised.value.document_id == 101
    assert api.downloads() == []
    assert list(tmp_path.iterdir()) == []


def test_a_document_object_saves_the_metadata_request(tmp_path: Path) -> None:
    api = Api()
    document = EmployeeDocument.from_dict(document_json(101))
    with make_client(api) as client:
        client.download_document(document, tmp_path / "x.pdf")
    assert [r.url.path for r in api.requests] == ["/employee-documents/101/download"]


@pytest.mark.parametrize(("status", "error"), [(409, ConflictError), (404, NotFoundError)])
def test_error_answers_raise_typed_errors_and_leave_no_file(
    tmp_path: Path, status: int, error: type[Exception]
) -> None:
    api = Api(download=lambda: json_response(status, error_body("Document is not downloadable.")))
    with make_client(api) as client, pytest.raises(error):
        client.download_document(101, tmp_path / "x.pdf")
    assert list(tmp_path.iterdir()) == []


def test_a_409_of_the_download_is_not_downloadable_a_conflict_error_with_the_response(tmp_path: Path) -> None:
    api = Api(download=lambda: json_response(409, error_body("Document is not downloadable.")))
    with make_client(api) as client, pytest.raises(NotDownloadableError) as raised:
        client.download_document(101, tmp_path / "x.pdf")  # the flag said downloadable: it went stale
    error = raised.value
    assert isinstance(error, ConflictError)
    assert error.document_id == 101
    assert error.status_code == 409
    assert error.response is not None
    assert error.body is not None
    assert error.body.message == "Document is not downloadable."
    assert len(api.downloads()) == 1

    async def main() -> None:
        async with make_async_client(api) as client:
            with pytest.raises(NotDownloadableError):
                await client.download_document(101, io.BytesIO())

    asyncio.run(main())


def test_the_flag_refusal_is_a_conflict_error_too(tmp_path: Path) -> None:
    with make_client(Api(downloadable=False)) as client, pytest.raises(ConflictError) as raised:
        client.download_document(101, tmp_path / "x.pdf")
    assert isinstance(raised.value, NotDownloadableError)
    assert raised.value.response is None
    assert "flag is false" in str(raised.value)


@pytest.mark.parametrize(
    ("relative", "error", "message"),
    [
        (".", IsADirectoryError, "is a directory"),
        ("missing/x.pdf", FileNotFoundError, "folder does not exist"),
        ("a-file/x.pdf", NotADirectoryError, "folder is a file"),
    ],
)
def test_an_impossible_destination_fails_before_any_request(
    tmp_path: Path, relative: str, error: type[OSError], message: str
) -> None:
    (tmp_path / "a-file").write_bytes(b"")
    api = Api()
    with make_client(api) as client, pytest.raises(error, match=message):
        client.download_document(101, tmp_path / relative)
    assert api.requests == []  # not even the metadata request
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file"]


def test_an_unwritable_folder_fails_before_any_request(tmp_path: Path) -> None:
    api = Api()
    # /proc refuses new files even to root, so the temporary file cannot be created there.
    with make_client(api) as client, pytest.raises(FileNotFoundError, match=r"/proc/\.invoice\.pdf\."):
        client.download_document(101, "/proc/invoice.pdf")
    assert api.requests == []


@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o027, 0o640), (0o077, 0o600)])
def test_published_files_honour_the_umask(tmp_path: Path, umask: int, mode: int) -> None:
    target = tmp_path / "invoice.pdf"
    target.write_bytes(b"previous version")
    previous = os.umask(umask)
    try:
        with make_client(Api()) as client:
            client.download_document(101, target)
    finally:
        os.umask(previous)
    assert stat.S_IMODE(target.stat().st_mode) == mode
    assert target.read_bytes() == PDF


def test_async_download_is_atomic_too(tmp_path: Path) -> None:
    class AsyncBroken(httpx.AsyncByteStream):
        async def __aiter__(self):  # type: ignore[no-untyped-def]
            yield PDF[:10]
            raise httpx.ReadError("lost")

    good, broken = Api(), Api(download=lambda: httpx.Response(200, stream=AsyncBroken()))

    async def main() -> None:
        async with make_async_client(good) as client:
            await client.download_document(101, tmp_path / "good.pdf")
        async with make_async_client(broken) as client:
            with pytest.raises(APIConnectionError):
                await client.download_document(101, tmp_path / "bad.pdf")

    asyncio.run(main())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["good.pdf"]
    assert (tmp_path / "good.pdf").read_bytes() == PDF
