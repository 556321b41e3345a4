"""Refuses oversized request bodies with 413 before anything reads them."""

from django.conf import settings
from django.http import JsonResponse

from backend.core.errors import error_body


class RequestBodyLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        declared = request.META.get("CONTENT_LENGTH") or "0"
        limit = getattr(settings, "REQUEST_BODY_LIMITS", {}).get(request.path, settings.MAX_REQUEST_BODY_BYTES)
        if declared.isdigit() and int(declared) > limit:
            message = f"Request body over {limit} bytes."
            return JsonResponse(error_body("too_large", message), status=413)
        return self.get_response(request)
