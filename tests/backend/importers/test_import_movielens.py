"""`import_movielens`: both layouts, matching, likes, privacy, follows, idempotence, strictness."""

from __future__ import annotations

import math
from collections import Counter
from datetime import UTC, datetime
from decimal import Decimal
from io import StringIO

import numpy as np
import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from backend.catalog.models import Movie
from backend.importers import follows as follow_synthesis
from backend.importers.follows import synthesize_follows
from backend.social.models import Follow, Like, Rating
from backend.sync.models import OutboxEvent
from tests.backend.importers.conftest import report_counts
from tests.factories import MovieFactory

pytestmark = pytest.mark.django_db
User = get_user_model()


def run(directory, *flags: str) -> str:
    out = StringIO()
    call_command("import_movielens", str(directory), *flags, stdout=out)
    return out.getvalue()


def likes() -> set[tuple[str, str]]:
    return set(Like.objects.values_list("user__username", "movie__title"))


def test_csv_layout_brings_movies_accounts_ratings_and_likes(movielens_csv):
    report = run(movielens_csv)

    matrix = Movie.objects.get(movielens_id=2)
    assert (matrix.title, matrix.year, matrix.imdb_id, matrix.tmdb_id) == ("The Matrix", 1999, "tt0133093", 603)
    assert set(matrix.genres.values_list("name", flat=True)) == {"Action", "Sci-Fi"}
    city = Movie.objects.get(movielens_id=3)
    assert (city.title, city.original_title, city.tmdb_id) == (
        "The City of Lost Children",
        "La Cité des enfants perdus",
        None,
    )
    assert not Movie.objects.get(movielens_id=4).genres.exists()

    accounts = User.objects.filter(username__startswith="ml_").select_related("profile")
    assert {u.username for u in accounts} == {"ml_1", "ml_2", "ml_3"}
    assert all(not u.has_usable_password() and not u.profile.is_private for u in accounts)
    rating = Rating.objects.get(user__username="ml_1", movie=matrix)
    assert rating.score == Decimal("4.5")
    assert rating.created_at == rating.updated_at == datetime.fromtimestamp(964981247, UTC)
    assert Rating.objects.count() == 7
    assert likes() == {("ml_1", "Toy Story"), ("ml_1", "The Matrix"), ("ml_2", "The Matrix"), ("ml_3", "Toy Story")}
    assert Like.objects.get(user__username="ml_2").created_at == datetime.fromtimestamp(1445714835, UTC)
    assert Movie.objects.get(movielens_id=2).rating_count == 3  # ranked once at the end
    counts = report_counts(report)
    assert (counts["ratings created"], counts["likes created"], counts["users created"]) == (7, 4, 3)
    assert counts["tags read (not stored: the platform has no tags)"] == 1


def test_100k_layout_reads_latin1_and_integer_stars(movielens_100k):
    run(movielens_100k)

    assert set(Movie.objects.values_list("title", "year")) == {
        ("Toy Story", 1995),
        ("Café au lait", 1993),
        ("The Usual Suspects", 1995),
    }
    # ml-100k item ids are not ml-latest movieIds: never written as movielens_id.
    assert not Movie.objects.exclude(movielens_id=None).exists()
    suspects = Movie.objects.get(title="The Usual Suspects")
    assert str(suspects.release_date) == "1995-08-14"
    assert set(suspects.genres.values_list("name", flat=True)) == {"Crime", "Thriller"}
    assert sorted(Rating.objects.values_list("user__username", "movie__title", "score")) == [
        ("ml_1", "The Usual Suspects", Decimal("4.0")),
        ("ml_1", "Toy Story", Decimal("5.0")),
        ("ml_2", "Café au lait", Decimal("3.0")),
        ("ml_2", "The Usual Suspects", Decimal("1.0")),
    ]
    assert likes() == {("ml_1", "Toy Story"), ("ml_1", "The Usual Suspects")}


@pytest.mark.parametrize("layout", ["movielens_csv", "movielens_100k"])
def test_a_rerun_changes_nothing_and_records_no_event(layout, request):
    directory = request.getfixturevalue(layout)
    run(directory, "--synthesize-follows")
    events = OutboxEvent.objects.count()
    counts = (Movie.objects.count(), User.objects.count(), Rating.objects.count(), Like.objects.count())

    report = run(directory, "--synthesize-follows")

    assert OutboxEvent.objects.count() == events
    assert counts == (Movie.objects.count(), User.objects.count(), Rating.objects.count(), Like.objects.count())
    counts = report_counts(report)
    assert counts["movies created"] == counts["ratings created"] == counts["follows created"] == 0
    assert counts["movies unchanged"] == Movie.objects.count()
    assert counts["users existing"] == User.objects.filter(username__startswith="ml_").count()


def test_a_movie_in_the_catalogue_is_matched_by_imdb_id_not_duplicated(movielens_csv):
    existing = MovieFactory(title="The Matrix", overview="A hacker learns the truth.")
    Movie.objects.filter(id=existing.id).update(imdb_id="tt0133093")

    run(movielens_csv)

    matrix = Movie.objects.get(imdb_id="tt0133093")
    assert matrix.id == existing.id and Movie.objects.count() == 4
    # Filled in, never overwritten: MovieLens adds its ids and genres, the plot stays.
    assert (matrix.movielens_id, matrix.tmdb_id, matrix.overview) == (2, 603, "A hacker learns the truth.")
    assert Rating.objects.filter(movie=matrix).count() == 3


def test_like_threshold_flag_decides_which_ratings_are_likes(movielens_csv):
    run(movielens_csv, "--like-threshold", "3.0")
    assert len(likes()) == 6  # every rating of 3.0 and more


def test_no_likes_and_private_flags(movielens_csv):
    run(movielens_csv, "--no-likes", "--private")
    assert not Like.objects.exists()
    assert set(User.objects.filter(username__startswith="ml_").values_list("profile__is_private", flat=True)) == {True}


def test_a_bad_threshold_fails_with_one_line(movielens_csv):
    with pytest.raises(CommandError, match="between 0.5 and 5"):
        run(movielens_csv, "--like-threshold", "7")


def test_a_malformed_row_is_reported_and_skipped_unless_strict(movielens_csv):
    ratings = movielens_csv / "ratings.csv"
    ratings.write_text(ratings.read_text() + "4,1,4.2,1000000000\n5,2,x,1000000000\n")

    with pytest.raises(CommandError, match=r"ratings.csv:9: rating '4.2' is not 0.5 to 5 in half steps"):
        run(movielens_csv, "--strict")
    assert not Movie.objects.exists() and not OutboxEvent.objects.exists()

    report = run(movielens_csv)
    assert "ratings.csv:10: rating is not a number" in report
    assert Rating.objects.count() == 7


def test_a_missing_directory_or_unknown_layout_fails_with_one_line(tmp_path):
    with pytest.raises(CommandError, match="no such directory"):
        run(tmp_path / "absent")
    (tmp_path / "movies.csv").write_text("movieId,title,genres\n")
    with pytest.raises(CommandError, match="not a MovieLens directory"):
        run(tmp_path)


def test_synthesized_follows_are_written_in_bulk_through_the_outbox(movielens_csv):
    run(movielens_csv, "--synthesize-follows", "--follow-seed", "7")

    follows = set(Follow.objects.values_list("follower__username", "followee__username"))
    assert follows and all(a != b for a, b in follows)
    assert OutboxEvent.objects.filter(kind="follow", event_type="follow.created").count() == len(follows)


def test_synthesized_follows_are_seeded_heavy_tailed_and_follow_taste():
    # Two taste camps of 60 users: camp A loves movies 0-19 and hates 20-39, camp B the reverse.
    ratings = {
        user: {movie: (5.0 if (movie < 20) == (user < 60) else 1.0) for movie in range(40) if (movie + user) % 3}
        for user in range(120)
    }
    pairs = synthesize_follows(ratings, seed=1)

    assert pairs == synthesize_follows(ratings, seed=1) != synthesize_follows(ratings, seed=2)
    # A user following more than their own camp holds must cross over; those following at most 20
    # choose freely among at least 50 candidates, and taste decides (at random: half and half).
    degree = Counter(a for a, _ in pairs)
    free = [(a, b) for a, b in pairs if degree[a] <= 20]
    assert sum(1 for a, b in free if (a < 60) == (b < 60)) / len(free) > 0.95
    degrees = sorted((sum(1 for a, _ in pairs if a == user) for user in ratings), reverse=True)
    assert degrees[0] >= 4 * degrees[len(degrees) // 2]  # a long tail above the median


def test_taste_cosines_are_those_of_mean_centred_unit_vectors():
    ratings = {1: {10: 5.0, 11: 1.0, 12: 3.0}, 2: {10: 4.0, 11: 2.0}, 3: {12: 3.0, 13: 3.0}, 4: {11: 5.0, 13: 1.0}}
    users = sorted(ratings)
    taste = follow_synthesis.taste_matrix(ratings, users)

    def unit(scores):
        mean = sum(scores.values()) / len(scores)
        centred = {m: s - mean for m, s in scores.items()}
        norm = math.sqrt(sum(v * v for v in centred.values()))
        return {m: v / norm for m, v in centred.items()} if norm else {}

    dense = np.zeros(taste.columns)
    for row, user in enumerate(users):
        others = np.array([i for i in range(len(users)) if i != row])
        expected = [
            sum(v * unit(ratings[users[i]]).get(m, 0.0) for m, v in unit(ratings[user]).items()) for i in others
        ]
        assert follow_synthesis.cosines(taste, row, others, dense) == pytest.approx(expected)
        assert not dense.any()  # the buffer is handed back zeroed


def test_films_of_one_file_a_year_apart_stay_two_films_across_batches(tmp_path, monkeypatch):
    from backend.importers import bulk

    monkeypatch.setattr(bulk, "MOVIE_BATCH_SIZE", 1)
    (tmp_path / "movies.csv").write_text("movieId,title,genres\n1,Hamlet (1990),Drama\n2,Hamlet (1991),Drama\n")
    (tmp_path / "ratings.csv").write_text("userId,movieId,rating,timestamp\n1,2,4.0,1000000000\n")
    run(tmp_path)
    run(tmp_path)
    assert sorted(Movie.objects.values_list("year", flat=True)) == [1990, 1991]
    assert Rating.objects.get().movie.year == 1991
