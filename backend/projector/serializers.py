from rest_framework import serializers

from backend.core.fields import StrictBooleanField
from backend.sync.serializers import TARGET_CHOICES


class ReconcileSerializer(serializers.Serializer):
    repair = StrictBooleanField(default=False)


class DriftSerializer(serializers.Serializer):
    target = serializers.CharField()
    kind = serializers.CharField()
    missing = serializers.IntegerField()
    extra = serializers.IntegerField()
    stale = serializers.IntegerField()
    sample = serializers.ListField(child=serializers.CharField())


class RebuildSerializer(serializers.Serializer):
    target = serializers.ChoiceField(choices=TARGET_CHOICES)
