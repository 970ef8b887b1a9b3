"""Domain errors of the worker; the routes turn each into its HTTP status."""

from __future__ import annotations


class WorkerError(Exception):
    """A request the worker cannot serve; `status` and `code` say how and why."""

    status = 500
    code = "internal_error"
    kind = "server_error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class BadRequest(WorkerError):
    """The request is malformed: bad JSON fields, no labels, an unsupported option."""

    status = 400
    code = "invalid_request"
    kind = "invalid_request_error"


class BadImage(BadRequest):
    """The image could not be decoded: corrupt, truncated or not an image at all."""

    code = "bad_image"


class PayloadTooLarge(WorkerError):
    """The body, the image file or its pixel count is over the configured limit."""

    status = 413
    code = "too_large"
    kind = "invalid_request_error"


class ModelNotFound(WorkerError):
    """The request names a model this worker does not serve."""

    status = 404
    code = "model_not_found"
    kind = "invalid_request_error"


class ModelUnavailable(WorkerError):
    """No model of the kind the request needs was loaded at start-up."""

    status = 503
    code = "model_not_loaded"
    kind = "server_error"
