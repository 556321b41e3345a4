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


NUL_MESSAGE = "Null characters are not allowed."


class NulInQueryMiddleware:
    """Refuses a query parameter holding a NUL byte with 400 naming it: Postgres cannot store or
    compare one, and not every filter is a DRF field that would refuse it itself."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.META.get("QUERY_STRING", "") or "%00" in request.META.get("QUERY_STRING", ""):
            fields = {
                name.replace("\x00", "") or "query": [NUL_MESSAGE]
                for name, values in request.GET.lists()
                if "\x00" in name or any("\x00" in value for value in values)
            }
            if fields:
                return JsonResponse(error_body("invalid", "Invalid input.", fields), status=400)
        return self.get_response(request)
