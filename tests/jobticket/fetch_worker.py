"""Worker process of the bounded-answer tests: one client call against a URL, its error class on stdout.

    python -m tests.helpers.peak_memory --preload jobticket -- tests.jobticket.fetch_worker URL CALL [DIR]

``CALL`` is ``employee`` (Get Employee 42), ``listing`` (every employee) or ``download`` (document 101
into ``DIR``). Prints ``ok`` or the name of the error raised; exits 0 when the error is one of the
client's own (``JobTicketError``), 1 for anything else (a traceback).
"""

from __future__ import annotations

import sys
from pathlib import Path

from jobticket import FakeClock, JobTicket, JobTicketError, Pacer
from jobticket_twin.seed import EXAMPLE_DOCUMENT_ID, EXAMPLE_EMPLOYEE_ID, SEED_KEYS


def main(url: str, call: str, folder: str = ".") -> int:
    admin = SEED_KEYS["admin"]
    pacer = Pacer(100_000, 60.0, clock=FakeClock())
    with JobTicket(url, username=admin.key_id, password=admin.secret, pacer=pacer) as client:
        try:
            if call == "employee":
                client.get_employee(EXAMPLE_EMPLOYEE_ID)
            elif call == "listing":
                client.list_employees().to_list()
            else:
                client.download_document(EXAMPLE_DOCUMENT_ID, Path(folder) / "document.pdf")
        except JobTicketError as error:
            print(type(error).__name__)
            return 0
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
