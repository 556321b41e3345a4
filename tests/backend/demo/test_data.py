"""Invariants of the demo data set in backend/demo/data/catalog.json.

Plain pytest, no Django and no database:
    .venv/bin/pytest tests/backend/catalog/test_demo_data.py -p no:django

The last two tests embed the overviews with the project's embedder (all-MiniLM-L6-v2).
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import re
from collections import Counter
from pathlib import Path

import pytest

DEMO_DIR = Path(__file__).resolve().parents[3] / "backend" / "demo" / "data"
CATALOG_PATH = DEMO_DIR / "catalog.json"

TOP_KEYS = {"genres", "people", "movies", "users", "follows", "likes", "ratings"}
MOVIE_KEYS = {
    "key",
    "title",
    "original_title",
    "release_date",
    "runtime",
    "overview",
    "original_language",
    "genres",
    "popularity",
    "poster_url",
    "cast",
    "crew",
}
USER_KEYS = {"username", "display_name", "bio", "is_private"}
LANGUAGES = {"en", "fr", "es", "ja", "ko", "de", "it", "hi"}
CREW_JOBS = {"Director", "Writer", "Composer"}
REQUIRED_CLUSTERS = ["Space Opera", "Heist", "Courtroom Drama"]
OTHER_CLUSTERS = [
    "Romantic Comedy",
    "Horror",
    "Documentary",
    "Western",
    "Sports",
    "Film Noir",
    "Animation",
    "Espionage",
]
ROBBERY_WORDS = re.compile(
    r"\b(vaults?|safecrack\w*|rob|robs|robbed|robbing|robbery|robberies|heists?)\b",
    re.IGNORECASE,
)


@pytest.fixture(scope="module")
def catalog() -> dict:
    return json.loads(CATALOG_PATH.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def movies(catalog) -> list[dict]:
    return catalog["movies"]


@pytest.fixture(scope="module")
def movie_keys(movies) -> set[str]:
    return {m["key"] for m in movies}


@pytest.fixture(scope="module")
def usernames(catalog) -> set[str]:
    return {u["username"] for u in catalog["users"]}


def _words(text: str) -> int:
    return len(text.split())


def _sentences(text: str) -> int:
    return len([s for s in re.split(r"(?<=[.!?])\s+", text.strip()) if s])


# ---------------------------------------------------------------- structure


def test_top_level_keys(catalog):
    assert set(catalog) == TOP_KEYS


def test_genres(catalog):
    genres = catalog["genres"]
    assert all(isinstance(g, str) and g.strip() == g and g for g in genres)
    assert len(genres) == len(set(genres))
    assert len(genres) >= 10
    for cluster in REQUIRED_CLUSTERS + OTHER_CLUSTERS:
        assert cluster in genres


def test_people(catalog):
    people = catalog["people"]
    assert 120 <= len(people) <= 180
    for p in people:
        assert set(p) == {"key", "name"}
        assert re.fullmatch(r"p\d{3}", p["key"])
        assert isinstance(p["name"], str) and len(p["name"].split()) >= 2
    assert len({p["key"] for p in people}) == len(people)
    assert len({p["name"] for p in people}) == len(people)


def test_movie_count_and_unique_keys(movies):
    assert 90 <= len(movies) <= 110
    assert len({m["key"] for m in movies}) == len(movies)
    assert len({m["title"] for m in movies}) == len(movies)
    assert all(re.fullmatch(r"m\d{3}", m["key"]) for m in movies)


def test_every_movie_has_exactly_the_schema_keys(movies):
    for m in movies:
        assert set(m) == MOVIE_KEYS, m["key"]


def test_movie_scalar_fields(movies):
    for m in movies:
        key = m["key"]
        assert isinstance(m["title"], str) and m["title"].strip(), key
        assert isinstance(m["original_title"], str) and m["original_title"].strip(), key
        date = dt.date.fromisoformat(m["release_date"])
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", m["release_date"]), key
        assert 1950 <= date.year <= 2025, key
        assert isinstance(m["runtime"], int) and 75 <= m["runtime"] <= 190, key
        assert isinstance(m["popularity"], float) and 0.5 <= m["popularity"] <= 100.0, key
        assert m["poster_url"] is None, key


def test_languages_and_original_titles(movies):
    for m in movies:
        assert m["original_language"] in LANGUAGES, m["key"]
        if m["original_language"] == "en":
            assert m["original_title"] == m["title"], m["key"]
        else:
            assert m["original_title"] != m["title"], m["key"]
    foreign = sum(m["original_language"] != "en" for m in movies)
    assert 0.10 <= foreign / len(movies) <= 0.25
    assert len({m["original_language"] for m in movies}) >= 6


def test_overviews(movies):
    for m in movies:
        ov = m["overview"]
        assert ov == ov.strip() and "  " not in ov, m["key"]
        assert 40 <= _words(ov) <= 90, (m["key"], _words(ov))
        assert 2 <= _sentences(ov) <= 4, (m["key"], _sentences(ov))
    assert len({m["overview"] for m in movies}) == len(movies)


def test_movie_genres(catalog, movies):
    known = set(catalog["genres"])
    for m in movies:
        assert 1 <= len(m["genres"]) <= 3, m["key"]
        assert len(set(m["genres"])) == len(m["genres"]), m["key"]
        assert set(m["genres"]) <= known, m["key"]
    used = {g for m in movies for g in m["genres"]}
    assert used == known, f"unused genres: {known - used}"


def test_clusters_have_at_least_eight_films(movies):
    counts = Counter(g for m in movies for g in m["genres"])
    for cluster in REQUIRED_CLUSTERS:
        assert counts[cluster] >= 8, cluster
    assert sum(counts[c] >= 8 for c in OTHER_CLUSTERS) >= 7
    assert sum(counts[c] >= 8 for c in REQUIRED_CLUSTERS + OTHER_CLUSTERS) >= 10


def test_cast_and_crew_resolve(catalog, movies):
    people = {p["key"] for p in catalog["people"]}
    for m in movies:
        cast, crew = m["cast"], m["crew"]
        assert 2 <= len(cast) <= 5, m["key"]
        for c in cast:
            assert set(c) == {"person", "character", "order"}, m["key"]
            assert c["person"] in people, m["key"]
            assert isinstance(c["character"], str) and c["character"].strip(), m["key"]
        assert sorted(c["order"] for c in cast) == list(range(len(cast))), m["key"]
        assert len({c["person"] for c in cast}) == len(cast), m["key"]
        for c in crew:
            assert set(c) == {"person", "job"}, m["key"]
            assert c["person"] in people, m["key"]
            assert c["job"] in CREW_JOBS, m["key"]
        jobs = Counter(c["job"] for c in crew)
        assert jobs["Director"] == 1, m["key"]
        assert all(n == 1 for n in jobs.values()), m["key"]


def test_people_are_all_credited_and_some_recur(catalog, movies):
    cast_counts = Counter(c["person"] for m in movies for c in m["cast"])
    credited = set(cast_counts) | {c["person"] for m in movies for c in m["crew"]}
    assert credited == {p["key"] for p in catalog["people"]}
    assert sum(n >= 3 for n in cast_counts.values()) >= 20
    directed = Counter((c["person"], m["genres"][0]) for m in movies for c in m["crew"] if c["job"] == "Director")
    assert sum(n >= 3 for n in directed.values()) >= 8


# ---------------------------------------------------------------- content


def test_a_heist_is_about_robbing_a_casino_vault(movies):
    hits = [
        m
        for m in movies
        if "Heist" in m["genres"] and all(w in m["overview"].lower() for w in ("casino", "vault", "rob", "crew"))
    ]
    assert hits


def test_heists_talk_about_robbing_and_nothing_else_does(movies):
    for m in movies:
        words = ROBBERY_WORDS.findall(m["overview"])
        if "Heist" in m["genres"]:
            assert words, m["key"]
            assert re.search(r"\b(crew|thie\w+|plan\w*)\b", m["overview"], re.IGNORECASE), m["key"]
        else:
            assert not words, (m["key"], words)
            assert "casino" not in m["overview"].lower(), m["key"]


# ---------------------------------------------------------------- social


def test_users(catalog):
    users = catalog["users"]
    assert 20 <= len(users) <= 30
    for u in users:
        assert set(u) == USER_KEYS
        assert re.fullmatch(r"[a-z0-9_]+", u["username"])
        assert u["display_name"].strip()
        assert isinstance(u["is_private"], bool)
        assert _sentences(u["bio"]) == 1 and u["bio"].endswith((".", "!", "?"))
    assert len({u["username"] for u in users}) == len(users)
    assert 3 <= sum(u["is_private"] for u in users) <= 4


def test_follows(catalog, usernames):
    follows = catalog["follows"]
    assert 80 <= len(follows) <= 150
    pairs = [tuple(f) for f in follows]
    assert all(len(p) == 2 for p in pairs)
    assert len(set(pairs)) == len(pairs), "duplicate follow"
    for a, b in pairs:
        assert a in usernames and b in usernames
        assert a != b, "self-follow"
    assert any((b, a) in set(pairs) for a, b in pairs), "no mutual follows"
    followers = Counter(b for _, b in pairs)
    assert set(followers) == usernames, "someone has no follower"
    assert {a for a, _ in pairs} == usernames, "someone follows nobody"
    assert followers.most_common(1)[0][1] >= 8, "no popular user"


def test_likes(catalog, usernames, movie_keys):
    likes = [tuple(x) for x in catalog["likes"]]
    assert 200 <= len(likes) <= 350
    assert len(set(likes)) == len(likes)
    for user, movie in likes:
        assert user in usernames and movie in movie_keys


def test_ratings(catalog, usernames, movie_keys):
    ratings = catalog["ratings"]
    assert 300 <= len(ratings) <= 500
    assert len({(u, m) for u, m, _ in ratings}) == len(ratings), "more than one rating per (user, movie)"
    for user, movie, score in ratings:
        assert user in usernames and movie in movie_keys
        assert isinstance(score, float)
        assert 0.5 <= score <= 5.0 and (score * 2).is_integer()


def test_likes_follow_tastes(catalog, movies):
    """Each user's likes concentrate on a few genres, and liked films are rated well."""
    by_key = {m["key"]: m for m in movies}
    per_user: dict[str, Counter] = {}
    for user, movie in catalog["likes"]:
        per_user.setdefault(user, Counter())[by_key[movie]["genres"][0]] += 1
    focused = sum(sum(n for _, n in c.most_common(2)) / sum(c.values()) >= 0.5 for c in per_user.values())
    assert focused >= 0.8 * len(per_user)
    score = {(u, m): s for u, m, s in catalog["ratings"]}
    liked_scores = [score[(u, m)] for u, m in catalog["likes"] if (u, m) in score]
    assert sum(liked_scores) / len(liked_scores) >= 4.0


def _load_make_social():
    spec = importlib.util.spec_from_file_location("demo_make_social", DEMO_DIR / "make_social.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_make_social_reproduces_the_file():
    module = _load_make_social()
    text = CATALOG_PATH.read_text(encoding="utf-8")
    catalog = json.loads(text)
    social = module.build_social(catalog["movies"])
    for key in ("users", "follows", "likes", "ratings"):
        assert social[key] == catalog[key], key
    assert module.dumps(catalog) + "\n" == text


# ---------------------------------------------------------------- embeddings


@pytest.fixture(scope="module")
def embedded(movies, embedder):
    from vectors.text import movie_embedding_text

    texts = {
        "overview": [m["overview"] for m in movies],
        "full": [
            movie_embedding_text(m["title"], int(m["release_date"][:4]), m["genres"], m["overview"]) for m in movies
        ],
    }
    return embedder, {k: embedder.encode(v) for k, v in texts.items()}


@pytest.mark.parametrize("text", ["overview", "full"])
def test_space_opera_neighbours_are_space_operas(movies, embedded, text):
    _, vectors = embedded
    emb = vectors[text]
    sims = emb @ emb.T
    space = [i for i, m in enumerate(movies) if m["genres"][0] == "Space Opera"]
    for i in space:
        order = [j for j in (-sims[i]).argsort() if j != i][:5]
        same = sum(movies[j]["genres"][0] == "Space Opera" for j in order)
        assert same >= 3, movies[i]["key"]


@pytest.mark.parametrize("text", ["overview", "full"])
def test_casino_vault_query_ranks_a_heist_first(movies, embedded, text):
    model, vectors = embedded
    query = model.encode(["a crew plans to rob a casino vault"])[0]
    ranked = (-(vectors[text] @ query)).argsort()
    assert "Heist" in movies[ranked[0]]["genres"]
    assert all("Heist" in movies[j]["genres"] for j in ranked[:3])
