"""Property tests: apply order/duplication independence, and every query against a
brute-force pure-Python oracle over the same rows, on random small graphs."""

from __future__ import annotations

import itertools
from collections import deque
from dataclasses import dataclass, field

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph import driver, projection, queries
from graph.types import Versioned
from tests.graph.builders import apply_one, at, follow_state, like_state, movie_state, rating_state, user_state

PROPERTY_SETTINGS = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
USERS = range(1, 7)
MOVIES = range(101, 106)
GENRES = ("Drama", "Comedy")

# ------------------------------------------------------------------ idempotence and order

EDGE_KINDS = ("follow", "like", "rating")
EDGE_STATE = {
    "follow": follow_state,
    "like": like_state,
    "rating": lambda n: rating_state(float(n % 5 + 1), n),
}
EDGE_READ = {
    "follow": "MATCH (a:User)-[r:FOLLOWS]->(b:User) RETURN a.id AS a, b.id AS b, r.since AS t, null AS s",
    "like": "MATCH (a:User)-[r:LIKES]->(b:Movie) RETURN a.id AS a, b.id AS b, r.at AS t, null AS s",
    "rating": "MATCH (a:User)-[r:RATED]->(b:Movie) RETURN a.id AS a, b.id AS b, r.at AS t, r.score AS s",
}

edge_keys = st.one_of(
    st.tuples(st.just("follow"), st.sampled_from([1, 2, 3]), st.sampled_from([2, 3, 4])).filter(lambda k: k[1] != k[2]),
    st.tuples(st.just("like"), st.sampled_from([1, 2, 3]), st.sampled_from([101, 102])),
    st.tuples(st.just("rating"), st.sampled_from([1, 2, 3]), st.sampled_from([101, 102])),
)
# Per key: a history of (present?, state seed) at versions 1..n.
histories = st.dictionaries(
    edge_keys,
    st.lists(st.tuples(st.booleans(), st.integers(0, 1000)), min_size=1, max_size=4),
    max_size=6,
)


@PROPERTY_SETTINGS
@given(history=histories, data=st.data())
def test_shuffled_duplicated_events_end_in_highest_version_state(graph_server, history, data):
    driver.configure(graph_server.settings())
    projection.clear_all()
    events = [
        (key, version, present, seed)
        for key, steps in history.items()
        for version, (present, seed) in enumerate(steps, start=1)
    ]
    duplicates = data.draw(st.lists(st.sampled_from(events), max_size=5)) if events else []
    delivery = data.draw(st.permutations(events + duplicates))
    for (kind, start, end), version, present, seed in delivery:
        apply_one(kind, (start, end), version, EDGE_STATE[kind](seed) if present else None)

    for kind in EDGE_KINDS:
        expected = {}
        for (key_kind, start, end), steps in history.items():
            present, seed = steps[-1]
            if key_kind == kind and present:
                state = EDGE_STATE[kind](seed)
                moment = state["since"] if kind == "follow" else state["at"]
                expected[(start, end)] = (len(steps), moment.timestamp(), state.get("score"))
        assert projection.projected_versions(kind) == {f"{a}:{b}": v for (a, b), (v, _, _) in expected.items()}
        actual = {(r["a"], r["b"]): (r["t"], r["s"]) for r in driver.read_rows(EDGE_READ[kind], {})}
        assert actual == {k: (t, s) for k, (_, t, s) in expected.items()}


# ------------------------------------------------------------------ oracle over random graphs


@dataclass
class World:
    private: dict[int, bool]
    genres: dict[int, tuple[str, ...]]
    follows: set[tuple[int, int]]
    likes: dict[tuple[int, int], int]  # (user, movie) -> at
    ratings: dict[tuple[int, int], tuple[float, int]]  # (user, movie) -> (score, at)
    followees: dict[int, set[int]] = field(default_factory=dict)

    def __post_init__(self):
        self.followees = {u: {b for a, b in self.follows if a == u} for u in USERS}

    def visible(self, person: int, viewer: int | None) -> bool:
        if not self.private[person]:
            return True
        return viewer is not None and (person == viewer or (person, viewer) in self.follows)

    def load(self):
        projection.clear_all()
        projection.apply(
            projection.USERS, [Versioned((u,), 1, user_state(f"u{u}", p)) for u, p in self.private.items()]
        )
        projection.apply(
            projection.MOVIES, [Versioned((m,), 1, movie_state(f"m{m}", None, g)) for m, g in self.genres.items()]
        )
        projection.apply(projection.FOLLOWS, [Versioned((a, b), 1, follow_state(a * 10 + b)) for a, b in self.follows])
        projection.apply(projection.LIKES, [Versioned((u, m), 1, like_state(t)) for (u, m), t in self.likes.items()])
        projection.apply(
            projection.RATINGS, [Versioned((u, m), 1, rating_state(s, t)) for (u, m), (s, t) in self.ratings.items()]
        )


@st.composite
def worlds(draw):
    pairs = [(a, b) for a in USERS for b in USERS if a != b]
    user_movie = [(u, m) for u in USERS for m in MOVIES]
    likes = draw(st.lists(st.sampled_from(user_movie), unique=True, max_size=14))
    rated = draw(st.lists(st.sampled_from(user_movie), unique=True, max_size=8))
    # Distinct activity times, so "most recent" never ties.
    times = draw(st.permutations(range(1, len(likes) + len(rated) + 1)))
    scores = draw(
        st.lists(
            st.sampled_from([1.0, 2.5, 3.5, 4.0, 5.0]),
            min_size=len(rated),
            max_size=len(rated),
        )
    )
    return World(
        private={u: draw(st.booleans()) for u in USERS},
        genres={m: tuple(draw(st.lists(st.sampled_from(GENRES), unique=True, max_size=2))) for m in MOVIES},
        follows=set(draw(st.lists(st.sampled_from(pairs), unique=True, max_size=14))),
        likes={k: times[i] for i, k in enumerate(likes)},
        ratings={k: (scores[i], times[len(likes) + i]) for i, k in enumerate(rated)},
    )


def oracle_friends_liked(w: World, viewer: int, genre: str | None, since: int | None):
    seen = {m for (u, m) in w.likes if u == viewer} | {m for (u, m) in w.ratings if u == viewer}
    per_movie: dict[int, dict[int, int]] = {}
    for friend in w.followees[viewer]:
        if not w.visible(friend, viewer):
            continue
        acts = [(m, t) for (u, m), t in w.likes.items() if u == friend]
        acts += [(m, t) for (u, m), (s, t) in w.ratings.items() if u == friend and s >= queries.ENDORSING_MIN_SCORE]
        for m, t in acts:
            if m in seen or (since is not None and t < since) or (genre is not None and genre not in w.genres[m]):
                continue
            per_movie.setdefault(m, {})
            per_movie[m][friend] = max(t, per_movie[m].get(friend, t))
    answer = []
    for m, friends in per_movie.items():
        ordered = sorted(friends, key=lambda f: (-friends[f], f))
        answer.append((m, len(friends), at(max(friends.values())), tuple(ordered[:3])))
    return sorted(answer, key=lambda r: (-r[1], -r[2].timestamp(), r[0]))


def oracle_follow_suggestions(w: World, viewer: int):
    liked = {m for (u, m) in w.likes if u == viewer}
    answer = []
    for c in USERS:
        if c == viewer or c in w.followees[viewer]:
            continue
        mutual = sum(1 for f in w.followees[viewer] if c in w.followees[f])
        shared = 0
        if not w.private[c] or (c, viewer) in w.follows:
            shared = len({m for (u, m) in w.likes if u == c} & liked)
        if mutual or shared:
            answer.append((c, mutual, shared))
    return sorted(answer, key=lambda r: (-r[1], -r[2], r[0]))


def oracle_also_liked(w: World, movie: int, viewer: int | None):
    def likers(m):
        return {u for (u, mm) in w.likes if mm == m and w.visible(u, viewer)}

    base = likers(movie)
    answer = []
    for b in MOVIES:
        if b == movie:
            continue
        co = len(base & likers(b))
        if co:
            answer.append((b, co, co / len(base | likers(b))))
    return sorted(answer, key=lambda r: (-r[2], -r[1], r[0]))


def oracle_distance(w: World, start: int, target: int) -> int | None:
    distance = {start: 0}
    queue = deque([start])
    while queue:
        u = queue.popleft()
        for v in sorted(w.followees[u]):
            if v not in distance:
                distance[v] = distance[u] + 1
                queue.append(v)
    return distance.get(target)


@PROPERTY_SETTINGS
@given(
    world=worlds(),
    genre=st.sampled_from([None, *GENRES]),
    since=st.sampled_from([None, 5]),
)
def test_friends_liked_matches_oracle(graph_server, world, genre, since):
    driver.configure(graph_server.settings())
    world.load()
    for viewer in USERS:
        got = queries.friends_liked(viewer, genre=genre, since=None if since is None else at(since), limit=100)
        assert [(r.movie_id, r.friend_count, r.last_at, r.friend_ids) for r in got] == oracle_friends_liked(
            world, viewer, genre, since
        )


@PROPERTY_SETTINGS
@given(world=worlds())
def test_follow_suggestions_matches_oracle(graph_server, world):
    driver.configure(graph_server.settings())
    world.load()
    for viewer in USERS:
        got = queries.follow_suggestions(viewer, limit=100)
        assert [(s.user_id, s.mutual_follows, s.shared_likes) for s in got] == oracle_follow_suggestions(world, viewer)


@PROPERTY_SETTINGS
@given(world=worlds(), viewer=st.sampled_from([None, *USERS]))
def test_also_liked_matches_oracle(graph_server, world, viewer):
    driver.configure(graph_server.settings())
    world.load()
    for movie in MOVIES:
        got = queries.also_liked(movie, viewer_id=viewer, limit=100)
        expected = oracle_also_liked(world, movie, viewer)
        assert [(r.movie_id, r.co_likes) for r in got] == [(m, c) for m, c, _ in expected]
        assert [r.score for r in got] == pytest.approx([s for _, _, s in expected])


@PROPERTY_SETTINGS
@given(world=worlds(), max_hops=st.integers(1, 4))
def test_connection_matches_oracle(graph_server, world, max_hops):
    driver.configure(graph_server.settings())
    world.load()
    for start in USERS:
        for target in USERS:
            path = queries.connection(start, target, max_hops=max_hops)
            distance = oracle_distance(world, start, target)
            if distance is None or distance > max_hops:
                assert path is None
                continue
            assert path is not None and len(path) == distance + 1
            assert (path[0], path[-1]) == (start, target)
            assert all((a, b) in world.follows for a, b in itertools.pairwise(path))
