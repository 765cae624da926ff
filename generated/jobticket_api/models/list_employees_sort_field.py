from enum import StrEnum


class ListEmployeesSortField(StrEnum):
    EMAIL = "email"
    FIRSTNAME = "firstName"
    ID = "id"
    LASTNAME = "lastName"

    def __str__(self) -> str:
        return str(self.value)
