from rest_framework import serializers


class EraseAccountSerializer(serializers.Serializer):
    password = serializers.CharField(write_only=True, max_length=128, style={"input_type": "password"})
