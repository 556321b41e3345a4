from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from backend.core.fields import StrictCharField

# One status enum for exports and imports alike (they share the job lifecycle).
JOB_STATUSES = ["queued", "running", "done", "failed"]
IMPORT_PROGRESS_PHASES = ["queued", "matching", "writing", "done"]


class EraseAccountSerializer(serializers.Serializer):
    password = StrictCharField(write_only=True, max_length=128, style={"input_type": "password"})


class ExportSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=JOB_STATUSES)
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
    status = StrictCharField()


class ImportUploadSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text=(
            "A Letterboxd export (the zip, or one of its ratings.csv, diary.csv, watched.csv, watchlist.csv,"
            " likes/films.csv, reviews.csv, lists/<name>.csv) or an IMDb ratings export."
        )
    )


class UnmatchedRowSerializer(serializers.Serializer):
    file = StrictCharField()
    line = serializers.IntegerField()
    name = StrictCharField()
    year = serializers.IntegerField(allow_null=True)
    reason = StrictCharField()


class ImportCountsSerializer(serializers.Serializer):
    read = serializers.IntegerField()
    matched = serializers.IntegerField()
    unmatched = serializers.IntegerField()
    watched = serializers.IntegerField(
        required=False, help_text="Films only watched (watched.csv, diary entries without a rating): nothing to write."
    )
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    kept = serializers.IntegerField(help_text="Ratings made here after the file's date: kept over the file's.")
    skipped = serializers.IntegerField(help_text="Rows already here as they are in the file.")


class ImportProgressSerializer(serializers.Serializer):
    phase = serializers.ChoiceField(
        choices=IMPORT_PROGRESS_PHASES,
        help_text="queued; matching the rows to films; writing what matched; done. A failed import keeps "
        "the phase it stopped in.",
    )
    processed = serializers.IntegerField(help_text="Rows matched (matching) or films written (writing) so far.")
    total = serializers.IntegerField(help_text="Rows to match (matching) or films to write (writing).")
    fraction = serializers.FloatField(
        min_value=0,
        max_value=1,
        help_text="How far the whole import is, 0 to 1, never going back: matching is the first half, writing "
        "the second.",
    )


class ImportSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=JOB_STATUSES)
    origin = StrictCharField(source="source", help_text="letterboxd or imdb")
    file_name = StrictCharField()
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
    counts = serializers.SerializerMethodField()
    unmatched = UnmatchedRowSerializer(many=True)
    skipped_files = serializers.ListField(child=StrictCharField())
    progress = serializers.SerializerMethodField(
        help_text="Moves while the import runs (poll this resource): updated after each batch of rows, "
        "though the import itself is one transaction and writes all of it or nothing."
    )

    @extend_schema_field(ImportCountsSerializer(allow_null=True))
    def get_counts(self, job) -> dict | None:
        return job.counts or None

    @extend_schema_field(ImportProgressSerializer(allow_null=True))
    def get_progress(self, job) -> dict | None:
        return job.progress or None
