from django.conf import settings
from django.db import models

from backend.catalog.models import Genre, Movie


class ItemNeighbour(models.Model):
    """One trained neighbour pair: `movie` predicts `neighbour` with `weight` (EASE, top k per movie).

    Replaced as a whole by each training run (`backend.recommendations.training`); read at request
    time by the user's history (`movie_id = ANY(history)`), which the index serves."""

    movie = models.ForeignKey(Movie, on_delete=models.CASCADE, related_name="+", db_index=False)
    neighbour = models.ForeignKey(Movie, on_delete=models.CASCADE, related_name="+", db_index=False)
    weight = models.FloatField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["movie", "neighbour"], name="item_neighbour_once")]
        indexes = [models.Index(fields=["neighbour"], name="item_neighbour_target")]

    def __str__(self):
        return f"{self.movie_id} -> {self.neighbour_id}: {self.weight:.4f}"


class TrainingRun(models.Model):
    """One training of the collaborative model; the newest finished one is what is served."""

    started_at = models.DateTimeField(auto_now_add=True)
    seconds = models.FloatField(default=0.0)
    users = models.PositiveIntegerField(default=0)
    movies = models.PositiveIntegerField(default=0)
    interactions = models.PositiveIntegerField(default=0)
    pairs = models.PositiveIntegerField(default=0)
    ease_lambda = models.FloatField()

    def __str__(self):
        return f"training {self.id}: {self.pairs} pairs"


class HiddenMovie(models.Model):
    """ "Not interested": never recommend this film to this user, and count it as a negative."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="hidden_movies")
    movie = models.ForeignKey(Movie, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "movie"], name="hidden_once_per_movie")]
        indexes = [models.Index(fields=["user", "-created_at"], name="hidden_user_recent")]

    def __str__(self):
        return f"{self.user_id} hides {self.movie_id}"


class FavouriteGenre(models.Model):
    """A genre the user asked for (PUT /api/me/preferences/): cold start and a popularity boost."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="favourite_genres")
    genre = models.ForeignKey(Genre, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "genre"], name="favourite_genre_once")]

    def __str__(self):
        return f"{self.user_id} favours {self.genre_id}"
