"""The person's own data over HTTP: leaving (DELETE /api/me/) and exports."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpResponse
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.accounts import views as accounts_views
from backend.core.errors import ApplicationError
from backend.core.schema import ERROR_RESPONSES, BodyOnDeleteSchema, error
from backend.personal_data import erasure, exports, imports
from backend.personal_data.serializers import (
    EraseAccountSerializer,
    ExportSerializer,
    ExportStartedSerializer,
    ImportSerializer,
    ImportUploadSerializer,
)


# /api/me/ as accounts serves it, plus DELETE, which needs everything the person owns (the social
# rows, the rankings), so it lives in this layer above accounts and social.
class MeView(accounts_views.MeView):
    schema = BodyOnDeleteSchema()

    @extend_schema(
        request=EraseAccountSerializer,
        responses={204: None, **ERROR_RESPONSES},
        description="Erase the account and everything that is theirs from every store. The current "
        "password is required; a wrong one answers 400 and changes nothing. Every refresh token is "
        "revoked. The graph follows within the sync lag.",
    )
    def delete(self, request):
        serializer = EraseAccountSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        erasure.erase_account(request.user, **serializer.validated_data)
        return Response(status=status.HTTP_204_NO_CONTENT)


def _serialize_export(request, export) -> dict:
    def download_url(done) -> str:
        path = reverse("me-export-download", args=[done.id])
        return request.build_absolute_uri(f"{path}?{urlencode({'token': exports.download_token(done)})}")

    return ExportSerializer(export, context={"download_url": download_url}).data


class ExportsView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=None,
        responses={202: ExportStartedSerializer, 409: error("An export is already being prepared"), **ERROR_RESPONSES},
        description="Start an export of everything that is the user's (a zip: profile.json, ratings.csv "
        "and likes.csv in Letterboxd's layout, follows.json). Poll GET /api/me/exports/{id}/.",
    )
    def post(self, request):
        export = exports.request_export(request.user)
        return Response({"id": export.id, "status": export.status}, status=status.HTTP_202_ACCEPTED)


class ExportView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: ExportSerializer, **ERROR_RESPONSES})
    def get(self, request, export_id: int):
        return Response(_serialize_export(request, exports.owned_export(request.user, export_id)))


class ExportDownloadView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "token", {"type": "string", "minLength": 1}, required=True, description="From the export's `download`."
            )
        ],
        responses={
            (200, "application/zip"): OpenApiResponse(OpenApiTypes.BINARY, description="The export's zip"),
            403: error("The link has expired"),
            **{code: response for code, response in ERROR_RESPONSES.items() if code != 403},
        },
        description="The zip, for its owner only, through an unexpired signed link.",
    )
    def get(self, request, export_id: int):
        token = request.query_params.get("token", "")
        if not token:
            raise ApplicationError("The download token is missing.", fields={"token": ["This field is required."]})
        archive = exports.archive_for_download(request.user, export_id, token)
        response = HttpResponse(archive, content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="cinema-export-{export_id}.zip"'
        return response


class ImportsView(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser]

    @extend_schema(
        request={"multipart/form-data": ImportUploadSerializer},
        responses={
            202: ExportStartedSerializer,
            409: error("An import of yours is already running"),
            413: error("The file is over IMPORT_MAX_UPLOAD_BYTES"),
            **{code: response for code, response in ERROR_RESPONSES.items() if code != 413},
        },
        description="Import a Letterboxd export (the zip, ratings.csv or likes/films.csv) or an IMDb "
        "ratings export. The file is checked now (400 naming the problem: unknown columns, not UTF-8, "
        "an unsafe or oversized zip) and imported by a worker; poll GET /api/me/imports/{id}/.",
    )
    def post(self, request):
        serializer = ImportUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        upload = serializer.validated_data["file"]
        job = imports.start_import(request.user, file_name=upload.name or "", size=upload.size or 0, read=upload.read)
        return Response({"id": job.id, "status": job.status}, status=status.HTTP_202_ACCEPTED)


class ImportView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: ImportSerializer, **ERROR_RESPONSES})
    def get(self, request, import_id: int):
        return Response(ImportSerializer(imports.owned_import(request.user, import_id)).data)
