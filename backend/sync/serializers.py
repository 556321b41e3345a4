from rest_framework import serializers

from backend.core.fields import StrictCharField
from backend.sync.models import Delivery

TARGET_CHOICES = Delivery.TARGETS


class DeliverySerializer(serializers.ModelSerializer):
    event_id = serializers.IntegerField()
    event_type = StrictCharField(source="event.event_type")
    aggregate = serializers.SerializerMethodField()
    version = serializers.IntegerField(source="event.version")

    class Meta:
        model = Delivery
        fields = [
            "id",
            "event_id",
            "event_type",
            "aggregate",
            "version",
            "target",
            "status",
            "attempts",
            "last_error",
            "next_attempt_at",
            "applied_at",
        ]

    def get_aggregate(self, delivery) -> str:
        return f"{delivery.event.kind}:{delivery.event.key}"


class RetrySerializer(serializers.Serializer):
    delivery_ids = serializers.ListField(child=serializers.IntegerField(min_value=1), required=False, max_length=1000)
    target = serializers.ChoiceField(choices=TARGET_CHOICES, required=False)


class ReplaySerializer(serializers.Serializer):
    from_event = serializers.IntegerField(min_value=1)
    target = serializers.ChoiceField(choices=TARGET_CHOICES, required=False)


class CountSerializer(serializers.Serializer):
    count = serializers.IntegerField()
