from enum import StrEnum


class ListHrIntegrationsSortField(StrEnum):
    CREATEDAT = "createdAt"
    ID = "id"
    NAME = "name"

    def __str__(self) -> str:
        return str(self.value)
