"""One error shape for the whole API: {"error": {"code", "message", "fields"}}.

Services raise `ApplicationError` subclasses; DRF's own exceptions and the store packages'
"unavailable"/"rejected" errors are rendered here too, so clients parse one shape everywhere.
"""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views import defaults
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from graph.errors import GraphRejected, GraphUnavailable
from vectors.errors import VectorStoreRejected, VectorStoreUnavailable

logger = logging.getLogger(__name__)


class ApplicationError(Exception):
    status_code: int = status.HTTP_400_BAD_REQUEST
    code = "invalid"

    def __init__(self, message: str, *, code: str | None = None, fields: dict | None = None, extra: dict | None = None):
        super().__init__(message)
        self.message = message
        self.code = code or self.code
        self.fields = fields or {}
        # Further keys of the error body, e.g. {"status": "indexing"}.
        self.extra = extra or {}


class NotFound(ApplicationError):
    status_code = status.HTTP_404_NOT_FOUND
    code = "not_found"


class Conflict(ApplicationError):
    status_code = status.HTTP_409_CONFLICT
    code = "conflict"


class Forbidden(ApplicationError):
    status_code = status.HTTP_403_FORBIDDEN
    code = "forbidden"


class StoreUnavailable(ApplicationError):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    code = "store_unavailable"


def error_body(code: str, message: str, fields: dict | None = None) -> dict:
    return {"error": {"code": code, "message": message, "fields": fields or {}}}


def flat_fields(detail, prefix: str = "") -> dict[str, list[str]]:
    """DRF's error detail as the schema's `fields`: field name to a list of messages. A nested
    serializer's or a list item's errors get a dotted key (`profile.display_name`, `genres.1`)."""
    if isinstance(detail, dict):
        fields: dict[str, list[str]] = {}
        for key, value in detail.items():
            fields.update(flat_fields(value, f"{prefix}.{key}" if prefix else str(key)))
        return fields
    if isinstance(detail, list) and any(isinstance(item, (dict, list)) for item in detail):
        fields = {}
        for index, item in enumerate(detail):
            if item:  # a list serializer gives {} for each valid item
                fields.update(flat_fields(item, f"{prefix}.{index}" if prefix else str(index)))
        return fields
    messages = detail if isinstance(detail, list) else [detail]
    return {prefix or "non_field_errors": [str(message) for message in messages]}


def _message(detail) -> str:
    """One human sentence from a DRF detail, which simplejwt makes a dict ({"detail", "code", ...})."""
    if isinstance(detail, dict):
        return _message(detail.get("detail") or next(iter(detail.values()), ""))
    if isinstance(detail, list):
        return _message(detail[0]) if detail else ""
    return str(detail)


def exception_handler(exc, context):
    if isinstance(exc, ApplicationError):
        body = error_body(exc.code, exc.message, exc.fields)
        body["error"].update(exc.extra)
        return Response(body, status=exc.status_code)
    if isinstance(exc, (GraphUnavailable, VectorStoreUnavailable)):
        store = "graph" if isinstance(exc, GraphUnavailable) else "vectors"
        logger.warning("%s store unavailable: %s", store, exc)
        body = error_body("store_unavailable", f"The {store} store is unavailable; try again shortly.")
        body["error"]["store"] = store
        return Response(body, status=status.HTTP_503_SERVICE_UNAVAILABLE)
    if isinstance(exc, (GraphRejected, VectorStoreRejected)):
        logger.error("store rejected a request: %s", exc)
        return Response(error_body("rejected", str(exc)), status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, RequestDataTooBig):
        return Response(error_body("too_large", "Request body too large."), status=413)
    if isinstance(exc, (TooManyFieldsSent, TooManyFilesSent)):
        return Response(error_body("malformed", "Too many fields or files in the request body."), status=400)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = error_body("invalid", "Invalid input.", flat_fields(exc.detail))
    elif isinstance(exc, exceptions.ParseError):
        response.data = error_body("malformed", _message(exc.detail))
    else:
        code = exc.default_code if isinstance(exc, exceptions.APIException) else "error"
        response.data = error_body(code, _message(getattr(exc, "detail", exc)))
    return response


# Django's own error views (urls.py: handler400/403/404/500), for what fails before or outside DRF:
# an unknown path, a non-integer id, a bad Host header. Under /api/ they answer in the error shape.
API_PREFIX = "/api/"


def _django_error(request: HttpRequest, status_code: int, code: str, message: str, fallback) -> HttpResponse:
    if request.path.startswith(API_PREFIX):
        return JsonResponse(error_body(code, message), status=status_code)
    return fallback()


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    return _django_error(request, 400, "bad_request", "Bad request.", lambda: defaults.bad_request(request, exception))


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    return _django_error(
        request, 403, "permission_denied", "You do not have permission to perform this action.",
        lambda: defaults.permission_denied(request, exception),
    )  # fmt: skip


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    return _django_error(request, 404, "not_found", "Not found.", lambda: defaults.page_not_found(request, exception))


def server_error(request: HttpRequest) -> HttpResponse:
    return _django_error(request, 500, "server_error", "Server error.", lambda: defaults.server_error(request))
