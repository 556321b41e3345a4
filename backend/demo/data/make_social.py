"""Regenerate the social part of the demo catalog (users, follows, likes, ratings).

The films, people and genres in ``catalog.json`` are hand-written data and are left
untouched. This script reads them, derives users' likes and ratings from each
user's taste profile (below) with a fixed seed, and rewrites ``catalog.json`` in
place. Running it twice produces byte-identical output.

    python backend/demo/data/make_social.py
"""

from __future__ import annotations

import json
import random
from pathlib import Path

CATALOG = Path(__file__).with_name("catalog.json")
SEED = 1729

# username, display name, bio, private, favourite genres, disliked genres
USERS = [
    (
        "ada",
        "Ada Quill",
        "Will watch anything with a starship, a fleet and an empire about to fall.",
        False,
        ["Space Opera", "Espionage"],
        ["Romantic Comedy"],
    ),
    (
        "bruno",
        "Bruno Ferrow",
        "Collector of perfect plans that go wrong: heists first, noir second.",
        False,
        ["Heist", "Film Noir"],
        ["Animation"],
    ),
    (
        "celine_cine",
        "Céline Arnaud",
        "Rom-coms, rainy Sunday afternoons and anything set in Paris.",
        True,
        ["Romantic Comedy", "Courtroom Drama"],
        ["Horror"],
    ),
    (
        "dmitri",
        "Dmitri Sokolan",
        "Dusty trails, long shadows and detectives who never sleep.",
        False,
        ["Western", "Film Noir"],
        ["Romantic Comedy"],
    ),
    (
        "elif",
        "Elif Tanrıver",
        "Biology teacher who rewinds every nature documentary to see the hatchlings again.",
        False,
        ["Documentary", "Animation"],
        ["Horror"],
    ),
    (
        "farah_k",
        "Farah Kazemi",
        "If the house creaks, I am already under the blanket and loving it.",
        False,
        ["Horror"],
        ["Romantic Comedy", "Sports"],
    ),
    (
        "gus_grit",
        "Gus Rennick",
        "Former high-school linebacker who cries at every underdog final and every cattle drive.",
        False,
        ["Sports", "Western"],
        ["Animation"],
    ),
    (
        "hana_o",
        "Hana Oyelade",
        "Parent of two, professional watcher of cartoons and whale migrations.",
        False,
        ["Animation", "Documentary"],
        ["Horror", "Film Noir"],
    ),
    (
        "isaac_m",
        "Isaac Mendel",
        "Law clerk by day, armchair spymaster by night.",
        False,
        ["Courtroom Drama", "Espionage"],
        ["Animation"],
    ),
    (
        "june_bug",
        "June Albright",
        "Happy endings only, preferably with a song or a meet-cute.",
        False,
        ["Romantic Comedy", "Animation"],
        ["Horror"],
    ),
    (
        "kwame",
        "Kwame Asante-Boyd",
        "Sports nut who also loves a well-drilled crew cracking a safe.",
        False,
        ["Sports", "Heist"],
        ["Documentary"],
    ),
    (
        "lottie",
        "Lottie Graymarsh",
        "Ghost stories, fog, cigarettes in black and white.",
        True,
        ["Horror", "Film Noir"],
        ["Sports"],
    ),
    (
        "marco_v",
        "Marco Vellacourt",
        "Double-crosses are my love language, in vaults or embassies.",
        False,
        ["Heist", "Espionage"],
        ["Romantic Comedy"],
    ),
    (
        "nadia_b",
        "Nadia Bresk",
        "Astronomy student torn between nebulae on screen and coral reefs.",
        False,
        ["Documentary", "Space Opera"],
        ["Western"],
    ),
    (
        "oskar",
        "Oskar Lindqvist-Moe",
        "Runs the city's sci-fi and heist night; recommendations always welcome.",
        False,
        ["Space Opera", "Heist"],
        ["Documentary"],
    ),
    (
        "priya_s",
        "Priya Sundaresan",
        "Closing arguments and grand gestures are basically the same thing.",
        False,
        ["Courtroom Drama", "Romantic Comedy"],
        ["Horror"],
    ),
    (
        "quinn",
        "Quinn Adebayo",
        "Haunted houses and haunted space stations, both please.",
        False,
        ["Horror", "Space Opera"],
        ["Sports"],
    ),
    (
        "rosa_m",
        "Rosa Montalvo",
        "Horse girl, boxing fan, firm believer in the last-minute comeback.",
        False,
        ["Western", "Sports"],
        ["Espionage"],
    ),
    (
        "sol",
        "Sol Barrientos",
        "Quietly working through every trial and every trench coat in the catalogue.",
        True,
        ["Film Noir", "Courtroom Drama"],
        ["Animation"],
    ),
    (
        "tabitha",
        "Tabitha Wren-Okoro",
        "Picture-book illustrator who takes notes during animated films.",
        False,
        ["Animation", "Romantic Comedy"],
        ["Espionage"],
    ),
    (
        "uma",
        "Uma Kestrelle",
        "Cold War thrillers, rainy streets and anyone named Control.",
        False,
        ["Espionage", "Film Noir"],
        ["Romantic Comedy"],
    ),
    (
        "viktor_z",
        "Viktor Zahradnik",
        "Space operas or nothing; I keep a spreadsheet of fleet battles.",
        False,
        ["Space Opera"],
        ["Romantic Comedy", "Animation"],
    ),
    (
        "willa",
        "Willa Pembury",
        "Trail runner who watches wildlife films and sports dramas for motivation.",
        False,
        ["Documentary", "Sports"],
        ["Horror"],
    ),
    (
        "xander",
        "Xander Holm",
        "Heist plans and locker-room speeches get me every time.",
        False,
        ["Heist", "Sports"],
        ["Documentary"],
    ),
    (
        "yusuf",
        "Yusuf Demirci",
        "Westerns with my grandfather, horror films with my sister.",
        True,
        ["Western", "Horror"],
        ["Romantic Comedy"],
    ),
    (
        "zoe_film",
        "Zoë Marchal",
        "Film critic trying to watch the whole catalogue, one genre at a time.",
        False,
        [],
        [],
    ),
]
POPULAR = ["ada", "oskar", "zoe_film"]


def _weight(movie: dict, favs: list[str], dislikes: list[str]) -> float:
    genres = set(movie["genres"])
    base = 0.6 + movie["popularity"] / 50.0
    if genres & set(favs):
        return base * 20.0
    if genres & set(dislikes):
        return base * 0.05
    return base


def _weighted_sample(rng: random.Random, items: list, weights: list[float], k: int) -> list:
    items, weights, out = list(items), list(weights), []
    for _ in range(min(k, len(items))):
        i = rng.choices(range(len(items)), weights=weights)[0]
        out.append(items.pop(i))
        weights.pop(i)
    return out


def _half(x: float) -> float:
    return min(5.0, max(0.5, round(x * 2) / 2))


def build_social(movies: list[dict]) -> dict:
    rng = random.Random(SEED)
    users, follows, likes, ratings = [], [], [], []
    taste = {}
    for username, display, bio, private, favs, dislikes in USERS:
        users.append(
            {
                "username": username,
                "display_name": display,
                "bio": bio,
                "is_private": private,
            }
        )
        taste[username] = (favs, dislikes)

    for username, _, _, _, favs, dislikes in USERS:
        weights = [_weight(m, favs, dislikes) for m in movies]
        liked = _weighted_sample(rng, movies, weights, rng.randint(7, 13))
        liked_keys = {m["key"] for m in liked}
        for m in sorted(liked, key=lambda m: m["key"]):
            likes.append([username, m["key"]])
        rest = [m for m in movies if m["key"] not in liked_keys]
        extra = _weighted_sample(rng, rest, [_weight(m, favs, dislikes) for m in rest], rng.randint(5, 9))
        for m in sorted(liked + extra, key=lambda m: m["key"]):
            genres = set(m["genres"])
            if not favs:  # the critic: scores follow popularity, with opinions
                score = 2.2 + m["popularity"] / 40.0 + rng.gauss(0, 0.8)
            elif genres & set(favs):
                score = rng.gauss(4.2, 0.5)
            elif genres & set(dislikes):
                score = rng.gauss(1.8, 0.7)
            else:
                score = rng.gauss(3.0, 0.8)
            if m["key"] in liked_keys:
                score = max(score, 3.5 + rng.choice([0.0, 0.5, 1.0, 1.5]))
            ratings.append([username, m["key"], _half(score)])

    names = [str(u["username"]) for u in users]
    pairs: set[tuple[str, str]] = set()
    for u in names:
        favourite_genres = set(taste[u][0])
        others = [v for v in names if v != u]
        weights = []
        for v in others:
            w = 1.0
            if v in POPULAR:
                w *= 6.0
            if favourite_genres & set(taste[v][0]):
                w *= 4.0
            weights.append(w)
        for v in _weighted_sample(rng, others, weights, rng.randint(3, 5)):
            pairs.add((u, v))
    for u, v in sorted(pairs):
        if (v, u) not in pairs and rng.random() < 0.3:
            pairs.add((v, u))
    followed = {v for _, v in pairs}
    for v in names:  # nobody is left without a follower
        if v not in followed:
            kin = [u for u in names if u != v and set(taste[u][0]) & set(taste[v][0])] or POPULAR
            pairs.add((rng.choice(sorted(kin)), v))
    follows = [list(p) for p in sorted(pairs)]
    return {"users": users, "follows": follows, "likes": likes, "ratings": ratings}


def dumps(value, indent: int = 0, width: int = 110) -> str:
    """JSON with short containers kept on one line (cast entries, genre lists, pairs)."""
    flat = json.dumps(value, ensure_ascii=False)
    if not isinstance(value, (dict, list)) or (indent > 0 and len(flat) + indent <= width):
        return flat
    pad, inner = " " * indent, " " * (indent + 2)
    if isinstance(value, dict):
        if not value:
            return "{}"
        body = ",\n".join(
            f"{inner}{json.dumps(k, ensure_ascii=False)}: {dumps(v, indent + 2, width)}" for k, v in value.items()
        )
        return "{\n" + body + "\n" + pad + "}"
    if not value:
        return "[]"
    body = ",\n".join(inner + dumps(v, indent + 2, width) for v in value)
    return "[\n" + body + "\n" + pad + "]"


def main() -> None:
    catalog = json.loads(CATALOG.read_text(encoding="utf-8"))
    catalog.update(build_social(catalog["movies"]))
    ordered = {k: catalog[k] for k in ("genres", "people", "movies", "users", "follows", "likes", "ratings")}
    CATALOG.write_text(dumps(ordered) + "\n", encoding="utf-8")
    print({k: len(v) for k, v in ordered.items()})


if __name__ == "__main__":
    main()
