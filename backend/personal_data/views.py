"""The person's own data over HTTP: leaving (DELETE /api/me/) and exports."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response

from backend.accounts import views as accounts_views
from backend.core.schema import ERROR_RESPONSES, BodyOnDeleteSchema
from backend.personal_data import erasure
from backend.personal_data.serializers import EraseAccountSerializer


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
