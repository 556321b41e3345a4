from rest_framework import serializers


class EraseAccountSerializer(serializers.Serializer):
    password = serializers.CharField(write_only=True, max_length=128, style={"input_type": "password"})


class ExportSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=["queued", "running", "done", "failed"])
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
    download = serializers.SerializerMethodField(
        help_text="A signed link to the zip, valid for EXPORT_LINK_MAX_AGE_SECONDS; null until done."
    )

    def get_download(self, export) -> str | None:
        if export.status != "done":
            return None
        return self.context["download_url"](export)


class ExportStartedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()
