"""The error a Bot API method answers with, mirroring Telegram's error replies."""

from __future__ import annotations

from typing import Any

_PHRASES = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    409: "Conflict",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


class ApiError(Exception):
    """A Telegram-style refusal: HTTP status, description and optional retry_after."""

    def __init__(self, status: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.retry_after = retry_after

    def payload(self) -> dict[str, Any]:
        """The JSON body Telegram sends for this error."""
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.status,
            "description": self.description,
        }
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


def bad_request(detail: str) -> ApiError:
    """400 with Telegram's 'Bad Request: ...' prefix."""
    return ApiError(400, f"Bad Request: {detail}")


def default_description(status: int, retry_after: int | None = None) -> str:
    """Telegram's usual description for an HTTP status."""
    if status == 429:
        return f"Too Many Requests: retry after {retry_after or 1}"
    if status == 403:
        return "Forbidden: bot was blocked by the user"
    if status == 409:
        return "Conflict: terminated by other getUpdates request"
    return _PHRASES.get(status, f"Error {status}")
