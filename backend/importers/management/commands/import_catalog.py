"""`manage.py import_catalog FILE [--credits FILE]`: a TMDB 5000 or IMDb top-1000 catalogue in bulk."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from backend.importers import services
from backend.importers.reporting import write_summary
from backend.importers.rows import LayoutError


class Command(BaseCommand):
    help = (
        "Import a film catalogue: tmdb_5000_movies.csv (with --credits tmdb_5000_credits.csv) or "
        "imdb_top_1000.csv. Films are matched by TMDB/IMDb id, else title and year, and updated from the file."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--credits", type=Path, help="the TMDB credits file (cast and crew as JSON)")
        parser.add_argument(
            "--cast-limit",
            type=int,
            default=services.DEFAULT_CAST_LIMIT,
            help="billing positions kept per film (default %(default)s)",
        )
        parser.add_argument("--strict", action="store_true", help="check every row first; write nothing if any is bad")

    def handle(self, *args, **options) -> None:
        if options["cast_limit"] < 0:
            raise CommandError("--cast-limit must not be negative")
        try:
            result = services.import_catalog(
                options["file"], options["credits"], strict=options["strict"], cast_limit=options["cast_limit"]
            )
        except (LayoutError, OSError, UnicodeDecodeError) as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"imported {options['file']}:")
        write_summary(self.stdout, result.summary, result.warnings)
