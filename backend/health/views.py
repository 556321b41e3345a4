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
        "status": serializers.ChoiceField(choices=["ok", "drift", "unavailable"]),
        "down": serializers.ListField(child=serializers.CharField()),
        "drifted": serializers.ListField(child=serializers.CharField()),
        "stores": serializers.DictField(),
        "sync": serializers.DictField(),
    },
)


class HealthView(APIView):
    """Each store's status and latency, and the sync backlog per target; 503 names what is down.
    `drift` (200) says the last reconcile found a projection out of line and nobody repaired it."""

    permission_classes = [AllowAny]
    throttle_classes = []

    @extend_schema(responses={200: HealthSerializer, 503: OpenApiResponse(HealthSerializer)})
    def get(self, request):
        statuses = check_stores()
        down = [s.name for s in statuses if not s.up]
        sync = [] if "postgres" in down else target_health()
        drifted = [h.target for h in sync if h.drift and not h.drift_repaired]
        body = {
            "status": "unavailable" if down else "drift" if drifted else "ok",
            "down": down,
            "stores": {
                s.name: {
                    "status": "up" if s.up else "down",
                    "latency_ms": s.latency_ms,
                    **({"error": s.error} if s.error else {}),
                }
                for s in statuses
            },
            "drifted": drifted,
            "sync": {
                h.target: {
                    "backlog": h.backlog,
                    "failed": h.failed,
                    "oldest_pending_age_seconds": h.oldest_pending_age_seconds,
                    "drift": h.drift,
                    "drift_repaired": h.drift_repaired,
                    "drift_checked_at": h.drift_checked_at,
                }
                for h in sync
            },
        }
        return Response(body, status=503 if down else 200)
