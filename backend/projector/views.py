"""Staff-only projection operations over HTTP: in the embedded default the serving process owns the
vector shard, so reconcile and rebuild must be reachable inside it, not only as commands."""

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.permissions import IsAdminUser
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.core import jobs
from backend.core.schema import STORE_ERROR_RESPONSES
from backend.projector.reconcile import reconcile
from backend.projector.serializers import DriftSerializer, RebuildSerializer, ReconcileSerializer


class ReconcileView(APIView):
    permission_classes = [IsAdminUser]

    @extend_schema(request=ReconcileSerializer, responses={200: DriftSerializer(many=True), **STORE_ERROR_RESPONSES})
    def post(self, request):
        serializer = ReconcileSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        drifts = reconcile(repair=serializer.validated_data["repair"])
        return Response([drift.summary() for drift in drifts])


class RebuildView(APIView):
    permission_classes = [IsAdminUser]

    @extend_schema(request=RebuildSerializer, responses={202: None, **STORE_ERROR_RESPONSES})
    def post(self, request):
        serializer = RebuildSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        jobs.enqueue(f"sync.rebuild_{serializer.validated_data['target']}")
        return Response(status=status.HTTP_202_ACCEPTED)
