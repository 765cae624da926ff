from enum import StrEnum


class DocumentSortField(StrEnum):
    CREATEDAT = "createdAt"
    DOCUMENTNAME = "documentName"
    ID = "id"
    UPDATEDAT = "updatedAt"

    def __str__(self) -> str:
        return str(self.value)
