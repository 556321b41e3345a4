"""`manage.py import_movielens DIR`: a MovieLens data set (CSV or ml-100k layout) on the bulk path."""

from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from backend.importers import services
from backend.importers.reporting import write_summary
from backend.importers.rows import LayoutError


def like_threshold(text: str) -> Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise CommandError(f"--like-threshold {text!r} is not a number") from None
    if not Decimal("0.5") <= value <= Decimal("5"):
        raise CommandError(f"--like-threshold {text} must be between 0.5 and 5")
    return value


class Command(BaseCommand):
    help = (
        "Import a MovieLens directory (movies.csv + ratings.csv [+ links.csv, tags.csv], or ml-100k's "
        "u.item + u.data): movies matched by IMDb/TMDB id (else title and year), one account ml_<id> per "
        "user, ratings with their timestamps, and a like for each rating of at least --like-threshold."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", type=Path)
        parser.add_argument(
            "--like-threshold",
            default=str(services.DEFAULT_LIKE_THRESHOLD),
            help="a rating of at least this also counts as a like (default %(default)s)",
        )
        parser.add_argument("--no-likes", action="store_true", help="import ratings only, no likes")
        parser.add_argument("--private", action="store_true", help="make the imported accounts private")
        parser.add_argument(
            "--synthesize-follows",
            action="store_true",
            help="build a seeded follow graph: heavy-tailed out-degrees, similar taste more likely",
        )
        parser.add_argument("--follow-seed", type=int, default=services.DEFAULT_FOLLOW_SEED)
        parser.add_argument("--strict", action="store_true", help="check every row first; write nothing if any is bad")

    def handle(self, *args, **options) -> None:
        threshold = None if options["no_likes"] else like_threshold(options["like_threshold"])
        try:
            result = services.import_movielens(
                options["directory"],
                private=options["private"],
                like_threshold=threshold,
                follows=options["synthesize_follows"],
                follow_seed=options["follow_seed"],
                strict=options["strict"],
            )
        except (LayoutError, OSError, UnicodeDecodeError) as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"imported {options['directory']}:")
        write_summary(self.stdout, result.summary, result.warnings)
