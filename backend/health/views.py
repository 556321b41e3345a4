from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.health.checks import check_stores
from backend.sync.monitoring import target_health

HealthSerializer = inline_serializer(
    name="Health",
    fields={
        "status": serializers.ChoiceField(choices=["ok", "unavailable"]),
        "down": serializers.ListField(child=serializers.CharField()),
        "stores": serializers.DictField(),
        "sync": serializers.DictField(),
    },
)


class HealthView(APIView):
    """Each store's status and latency, and the sync backlog per target; 503 names what is down."""

    permission_classes = [AllowAny]
    throttle_classes = []

    @extend_schema(responses={200: HealthSerializer, 503: OpenApiResponse(HealthSerializer)})
    def get(self, request):
        statuses = check_stores()
        down = [s.name for s in statuses if not s.up]
        body = {
            "status": "unavailable" if down else "ok",
            "down": down,
            "stores": {
                s.name: {
                    "status": "up" if s.up else "down",
                    "latency_ms": s.latency_ms,
                    **({"error": s.error} if s.error else {}),
                }
                for s in statuses
            },
            "sync": {}
            if "postgres" in down
            else {
                h.target: {
                    "backlog": h.backlog,
                    "failed": h.failed,
                    "oldest_pending_age_seconds": h.oldest_pending_age_seconds,
                }
                for h in target_health()
            },
        }
        return Response(body, status=503 if down else 200)
