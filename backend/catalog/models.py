from django.contrib.postgres.indexes import GinIndex, OpClass
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models
from django.db.models import F, Func


def _title_key(field: str, function: str = "catalog_title_key") -> Func:
    """A column's title key, computed by the SQL twin of backend.catalog.titles (migration 0002)."""
    return Func(F(field), function=function, output_field=models.TextField())


class Genre(models.Model):
    name = models.CharField(max_length=60, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Person(models.Model):
    name = models.CharField(max_length=200, db_index=True)

    def __str__(self):
        return self.name


class Movie(models.Model):
    title = models.CharField(max_length=300)
    original_title = models.CharField(max_length=300, blank=True)
    release_date = models.DateField(null=True, blank=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    runtime = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Minutes")
    overview = models.TextField(blank=True)
    original_language = models.CharField(max_length=8, blank=True)
    poster_url = models.URLField(max_length=500, blank=True)
    imdb_id = models.CharField(max_length=16, unique=True, null=True, blank=True)
    tmdb_id = models.PositiveIntegerField(unique=True, null=True, blank=True)
    movielens_id = models.PositiveIntegerField(unique=True, null=True, blank=True)
    popularity = models.FloatField(default=0.0)
    genres = models.ManyToManyField(Genre, related_name="movies", blank=True)

    # Ranking, written only by services.rankings (asynchronously, never on the rating write path).
    rating_count = models.PositiveIntegerField(default=0, editable=False)
    rating_mean = models.FloatField(default=0.0, editable=False)
    rank_score = models.FloatField(default=0.0, editable=False)
    rank_position = models.PositiveIntegerField(null=True, blank=True, editable=False)

    # Weighted full-text document: title (A) over overview (B), maintained by Postgres itself.
    search_document = models.GeneratedField(
        expression=SearchVector("title", weight="A", config="english")
        + SearchVector("overview", weight="B", config="english"),
        output_field=SearchVectorField(),
        db_persist=True,
    )
    # Title keys (backend.catalog.titles.normalize_title, in SQL) for exact and prefix matches, and
    # the key's words for word-prefix suggestions; generated, so bulk inserts and COPY get them too.
    # The typo index (catalog_title_trigram) is kept from these by triggers: see catalog.title_search.
    title_key = models.GeneratedField(expression=_title_key("title"), output_field=models.TextField(), db_persist=True)
    title_alt_key = models.GeneratedField(
        expression=_title_key("title", "catalog_title_alt_key"), output_field=models.TextField(), db_persist=True
    )
    original_title_key = models.GeneratedField(
        expression=_title_key("original_title"), output_field=models.TextField(), db_persist=True
    )
    title_words = models.GeneratedField(
        expression=SearchVector(_title_key("title"), config="simple"),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [
            GinIndex(fields=["search_document"], name="movie_search_gin"),
            # text_pattern_ops: LIKE 'prefix%' uses the index whatever the database's collation.
            models.Index(OpClass(F("title_key"), name="text_pattern_ops"), name="movie_title_key"),
            models.Index(OpClass(F("title_alt_key"), name="text_pattern_ops"), name="movie_title_alt_key"),
            models.Index(OpClass(F("original_title_key"), name="text_pattern_ops"), name="movie_original_title_key"),
            GinIndex(fields=["title_words"], name="movie_title_words_gin"),
            models.Index(fields=["year", "id"], name="movie_year"),
            models.Index(fields=["release_date", "id"], name="movie_release_date"),
            models.Index(fields=["title", "id"], name="movie_title"),
            models.Index(fields=["original_language"], name="movie_language"),
            models.Index(fields=["-popularity", "id"], name="movie_popularity"),
            models.Index(fields=["rank_position", "id"], name="movie_rank"),
        ]

    def __str__(self):
        return f"{self.title} ({self.year})" if self.year else self.title


class Credit(models.Model):
    CAST = "cast"
    CREW = "crew"
    KINDS = [(CAST, "Cast"), (CREW, "Crew")]

    movie = models.ForeignKey(Movie, on_delete=models.CASCADE, related_name="credits")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="credits")
    kind = models.CharField(max_length=4, choices=KINDS)
    character = models.CharField(max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(default=0, help_text="Billing order for cast")
    job = models.CharField(max_length=60, blank=True, help_text="Crew job, such as Director")

    class Meta:
        ordering = ["kind", "order", "id"]
        indexes = [models.Index(fields=["movie", "kind", "order"], name="credit_billing")]

    def __str__(self):
        return f"{self.person} in {self.movie}"


class PendingRankUpdate(models.Model):
    """A movie whose ranking is stale; written with the rating, drained by the debounced task."""

    movie = models.OneToOneField(Movie, on_delete=models.CASCADE, primary_key=True)
    queued_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"rank update for movie {self.movie_id}"
