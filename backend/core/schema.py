"""OpenAPI pieces shared by every view: the one error shape."""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import SAFE_METHODS

ErrorSerializer = inline_serializer(
    name="Error",
    fields={
        "error": inline_serializer(
            name="ErrorBody",
            fields={
                "code": serializers.CharField(),
                "message": serializers.CharField(),
                "fields": serializers.DictField(child=serializers.ListField(child=serializers.CharField())),
            },
        )
    },
)


def error(description: str) -> OpenApiResponse:
    return OpenApiResponse(ErrorSerializer, description=description)


ERROR_RESPONSES = {
    400: error("Invalid input, with field errors"),
    401: error("Not signed in"),
    403: error("Not allowed"),
    404: error("Not found"),
    413: error("Request body too large"),
    429: error("Too many requests"),
}
STORE_ERROR_RESPONSES = {**ERROR_RESPONSES, 503: error("A store is unavailable")}


class ProjectSchema(AutoSchema):
    """drf-spectacular's schema, told that a permission with `reads_are_public` lets anyone read:
    its safe methods then list no-auth (`{}`) beside the JWT, as they are served."""

    def get_auth(self):
        auths = super().get_auth()
        public_reads = any(getattr(p, "reads_are_public", False) for p in self.view.get_permissions())
        if public_reads and self.method in SAFE_METHODS and {} not in auths:
            auths.append({})
        return auths


class BodyOnDeleteSchema(ProjectSchema):
    """Documents the request body of a DELETE too (drf-spectacular documents bodies only for POST,
    PUT and PATCH): for deletes that need a confirmation, such as the password of DELETE /api/me/."""

    def _get_request_body(self, direction="request"):
        if self.method != "DELETE":
            return super()._get_request_body(direction)
        self.method = "POST"
        try:
            return super()._get_request_body(direction)
        finally:
            self.method = "DELETE"
