"""Domain errors raised by services; ``web/`` maps them to a page message or HTTP status.

Messages are written for the user, in Chinese.
"""

from __future__ import annotations


class DomainError(Exception):
    status = 400
    code = "domain_error"

    def __init__(self, message: str, *, details: object = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class ValidationError(DomainError):
    status = 422
    code = "validation_error"


class PermissionDenied(DomainError):
    status = 403
    code = "permission_denied"


class NotFound(DomainError):
    status = 404
    code = "not_found"


class Conflict(DomainError):
    status = 409
    code = "conflict"


class InvalidTransition(DomainError):
    status = 409
    code = "invalid_transition"


class CalendarUnknown(DomainError):
    """A deadline would fall in a year whose working-day calendar nobody has confirmed."""

    status = 409
    code = "calendar_unknown"
