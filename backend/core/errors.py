"""One error shape for the whole API: {"error": {"code", "message", "fields"}}.

Services raise `ApplicationError` subclasses; DRF's own exceptions and the store packages'
"unavailable"/"rejected" errors are rendered here too, so clients parse one shape everywhere.
"""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.http import Http404
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
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        fields = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        response.data = error_body("invalid", "Invalid input.", fields)
    elif isinstance(exc, exceptions.ParseError):
        response.data = error_body("malformed", str(exc.detail))
    else:
        code = exc.default_code if isinstance(exc, exceptions.APIException) else "error"
        response.data = error_body(code, str(getattr(exc, "detail", exc)))
    return response
