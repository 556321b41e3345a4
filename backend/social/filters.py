"""List filters for the social lists of movies: the catalogue's, plus the list's own order."""

import django_filters

from backend.catalog.filters import MovieFilter


class WatchlistFilter(MovieFilter):
    ordering = django_filters.OrderingFilter(
        fields=(
            ("added_at", "added"),
            ("rank_position", "rank"),
            ("release_date", "release_date"),
            ("title", "title"),
            ("popularity", "popularity"),
        ),
        help_text="added (when it was put on the watchlist; the default is -added), rank, release_date, title, "
        "popularity; - for descending",
    )
