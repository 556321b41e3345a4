"""`manage.py evaluate_recommendations` and `train_recommender`, on data made here."""

from __future__ import annotations

import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from backend.recommendations.models import ItemNeighbour, TrainingRun
from backend.social.models import Rating
from tests.factories import MovieFactory, UserFactory
from tests.recommender.planted import planted_ratings


def write_csv(path, ratings) -> None:
    lines = ["userId,movieId,rating,timestamp"] + [f"{r.user},{r.item},{r.score},0" for r in ratings]
    path.write_text("\n".join(lines) + "\n")


def test_evaluate_recommendations_prints_the_table_and_writes_the_json(tmp_path):
    from recommender.evaluation import split_per_user

    train, test = split_per_user(planted_ratings(), seed=3)
    write_csv(tmp_path / "train.csv", train)
    write_csv(tmp_path / "test.csv", test)
    out = StringIO()

    call_command(
        "evaluate_recommendations",
        "--train", str(tmp_path / "train.csv"),
        "--test", str(tmp_path / "test.csv"),
        "--lambda", "10",
        "--json", str(tmp_path / "figures.json"),
        stdout=out,
    )  # fmt: skip

    figures = json.loads((tmp_path / "figures.json").read_text())["systems"]
    assert figures["fused"]["ndcg@10"] > 1.3 * figures["popularity (count baseline)"]["ndcg@10"]
    assert set(figures["fused"]["ndcg@10_by_activity_tercile"]) == {"low", "mid", "high"}
    assert "collaborative (EASE)" in out.getvalue()


@pytest.mark.django_db
def test_train_recommender_replaces_the_neighbour_lists():
    films = [MovieFactory() for _ in range(3)]
    users = [UserFactory() for _ in range(4)]
    Rating.objects.bulk_create([Rating(user=u, movie=m, score=Decimal("4.0")) for u in users for m in films[:2]])
    call_command("train_recommender", "--lambda", "1", stdout=StringIO())
    call_command("train_recommender", "--lambda", "1", stdout=StringIO())

    pairs = set(ItemNeighbour.objects.values_list("movie_id", "neighbour_id"))
    assert pairs == {(films[0].id, films[1].id), (films[1].id, films[0].id)}
    assert TrainingRun.objects.count() == 2


def test_beat_trains_the_recommender_periodically():
    from tasks.celery import app

    assert any(entry["task"] == "recommendations.train" for entry in app.conf.beat_schedule.values())
