"""Download Document (O-3, O-4): a PDF for downloadable documents, an error for the others."""

from __future__ import annotations

from typing import Any

import pytest

from jobticket_kit.contract.run_state import Api, ContractRun

pytestmark = pytest.mark.operation("downloadDocument")


@pytest.mark.open_point("O-3")
def test_download_is_a_pdf(api: Api, downloadable_document: dict[str, Any]) -> None:
    """A downloadable document comes back as raw PDF bytes, as an attachment."""
    response = api.request(
        "GET",
        f"/employee-documents/{downloadable_document['id']}/download",
        headers={"Accept": "application/pdf, application/json"},
    )
    assert response.status_code == 200
    assert response.headers.get("Content-Type", "").split(";")[0].strip() == "application/pdf"
    assert response.content.startswith(b"%PDF-"), response.content[:16]
    assert b"%%EOF" in response.content[-1024:], "the file does not end like a PDF"
    assert response.headers.get("Content-Disposition", "").startswith("attachment")


def test_non_downloadable_document_is_409(
    api: Api, contract_run: ContractRun, documents: list[dict[str, Any]]
) -> None:
    """Downloading a document with downloadable false is an error: 409 with the error body (O-4)."""
    locked = next((document for document in documents if not document["downloadable"]), None)
    if locked is None:
        contract_run.ledger.note("O-4", "no document with downloadable: false on the first page of documents")
        return
    response = api.request(
        "GET",
        f"/employee-documents/{locked['id']}/download",
        headers={"Accept": "application/pdf, application/json"},
    )
    contract_run.ledger.observe("O-4", "non_downloadable_document_is_409", response.status_code == 409)
    assert response.status_code == 409, response.status_code
    assert isinstance(response.json().get("message"), str)
