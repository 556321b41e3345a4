"""Staff-only outbox operations over HTTP: the dead letters, retry and replay."""

from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.permissions import IsAdminUser
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.core.schema import ERROR_RESPONSES, STORE_ERROR_RESPONSES
from backend.sync import operations
from backend.sync.models import Delivery
from backend.sync.serializers import (
    TARGET_CHOICES,
    CountSerializer,
    DeliverySerializer,
    ReplaySerializer,
    RetrySerializer,
)


class DeliveryListView(generics.ListAPIView):
    """Deliveries by status (failed by default: the dead letters) and target."""

    permission_classes = [IsAdminUser]
    serializer_class = DeliverySerializer

    @extend_schema(responses={200: DeliverySerializer(many=True), **ERROR_RESPONSES})
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        wanted = self.request.query_params.get("status", Delivery.FAILED)
        deliveries = Delivery.objects.filter(status=wanted).select_related("event").order_by("id")
        target = self.request.query_params.get("target")
        return deliveries.filter(target=target) if target in dict(TARGET_CHOICES) else deliveries


class RetryView(APIView):
    permission_classes = [IsAdminUser]

    @extend_schema(request=RetrySerializer, responses={200: CountSerializer, **STORE_ERROR_RESPONSES})
    def post(self, request):
        serializer = RetrySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        count = operations.retry_failed(**serializer.validated_data)
        return Response({"count": count})


class ReplayView(APIView):
    permission_classes = [IsAdminUser]

    @extend_schema(request=ReplaySerializer, responses={200: CountSerializer, **STORE_ERROR_RESPONSES})
    def post(self, request):
        serializer = ReplaySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        count = operations.replay_events(
            from_event_id=serializer.validated_data["from_event"], target=serializer.validated_data.get("target")
        )
        return Response({"count": count})
