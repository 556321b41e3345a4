from rest_framework import serializers

from backend.core.fields import StrictBooleanField, StrictCharField
from backend.sync.serializers import TARGET_CHOICES


class ReconcileSerializer(serializers.Serializer):
    repair = StrictBooleanField(default=False)


class DriftSerializer(serializers.Serializer):
    target = StrictCharField()
    kind = StrictCharField()
    missing = serializers.IntegerField()
    extra = serializers.IntegerField()
    stale = serializers.IntegerField()
    sample = serializers.ListField(child=StrictCharField())


class RebuildSerializer(serializers.Serializer):
    target = serializers.ChoiceField(choices=TARGET_CHOICES)
