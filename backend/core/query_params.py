"""The base of every query-parameter serializer: a parameter is given once and never blank. DRF on
its own reads `genre=` as absent and `limit=1&limit=2` as the last value, so the server accepted
what the schema (minLength 1, one value) rules out; here both are 400 field errors."""

from __future__ import annotations

from rest_framework import serializers


class QuerySerializer(serializers.Serializer):
    def to_internal_value(self, data):
        errors: dict[str, list[str]] = {}
        if hasattr(data, "getlist"):
            for name, _field in self.fields.items():
                values = data.getlist(name)
                if len(values) > 1:
                    errors[name] = ["Give this parameter once."]
                elif values and values[0] == "":
                    errors[name] = ["May not be blank."]
        if errors:
            raise serializers.ValidationError(errors)
        return super().to_internal_value(data)
