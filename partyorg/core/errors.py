"""Application errors and their one mapping to HTTP responses and page messages.

Services raise ``ApplicationError`` (or a subclass) with a Vietnamese and an English message and,
where it applies, the field at fault. Views and API endpoints never build their own error texts.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .i18n import english, pick


@dataclass
class FieldError:
    field: str
    message_vi: str
    message_en: str
    row: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "field": self.field, "message_vi": self.message_vi, "message_en": self.message_en}

    def text(self) -> str:
        msg = pick(self.message_vi, self.message_en)
        where = f"dòng {self.row}, " if self.row is not None else ""
        if english():
            where = f"row {self.row}, " if self.row is not None else ""
        return f"{where}{self.field}: {msg}" if self.field else f"{where}{msg}"


class ApplicationError(Exception):
    """A request the rules refuse. ``status`` is the HTTP status it maps to."""

    status = 400
    code = "invalid"

    def __init__(
        self,
        message_vi: str,
        message_en: str = "",
        *,
        field: str | None = None,
        errors: list[FieldError] | None = None,
        code: str | None = None,
    ) -> None:
        super().__init__(message_en or message_vi)
        self.message_vi = message_vi
        self.message_en = message_en or message_vi
        self.field = field
        self.errors: list[FieldError] = errors or []
        if code:
            self.code = code

    @property
    def message(self) -> str:
        return pick(self.message_vi, self.message_en)

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "message": self.message,
            "message_vi": self.message_vi,
            "message_en": self.message_en,
            "field": self.field,
            "errors": [e.as_dict() for e in self.errors],
        }


class ValidationFailed(ApplicationError):
    status = 422
    code = "validation_failed"


class NotFoundOrForbidden(ApplicationError):
    """Objects outside the actor's scope are reported exactly like objects that do not exist."""

    status = 404
    code = "not_found"

    def __init__(self) -> None:
        super().__init__("Không tìm thấy hoặc không có quyền truy cập.", "Not found or not permitted.")


class Forbidden(ApplicationError):
    status = 403
    code = "forbidden"

    def __init__(self, message_vi: str = "Bạn không có quyền thực hiện thao tác này.",
                 message_en: str = "You are not permitted to do this.") -> None:
        super().__init__(message_vi, message_en)


class StateConflict(ApplicationError):
    status = 409
    code = "state_conflict"


@dataclass
class ErrorList:
    """Collects row/field errors (imports, multi-field forms) before raising them all at once."""

    errors: list[FieldError] = field(default_factory=list)

    def add(self, field_name: str, message_vi: str, message_en: str, row: int | None = None) -> None:
        self.errors.append(FieldError(field_name, message_vi, message_en, row))

    def raise_if_any(self, message_vi: str = "Dữ liệu không hợp lệ.", message_en: str = "Invalid data.") -> None:
        if self.errors:
            raise ValidationFailed(message_vi, message_en, errors=list(self.errors))

    def __bool__(self) -> bool:
        return bool(self.errors)
