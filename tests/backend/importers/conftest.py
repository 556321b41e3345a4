"""Small MovieLens and catalogue files written by the tests themselves."""

from __future__ import annotations

from pathlib import Path

import pytest

MOVIES_CSV = """movieId,title,genres
1,Toy Story (1995),Adventure|Animation|Children
2,"Matrix, The (1999)",Action|Sci-Fi
3,"City of Lost Children, The (Cité des enfants perdus, La) (1995)",Drama|Fantasy
4,Untitled Experiment (2001),(no genres listed)
"""
LINKS_CSV = """movieId,imdbId,tmdbId
1,0114709,862
2,0133093,603
3,0112682,
4,0999999,
"""
# user 1 likes 1 and 2 (>= 4.0), user 2 only 2; user 3 rates like user 1 (for follows).
RATINGS_CSV = """userId,movieId,rating,timestamp
1,1,4.0,964982703
1,2,4.5,964981247
1,3,2.5,964982224
2,2,5.0,1445714835
2,4,3.5,1445714836
3,1,4.0,1000000000
3,2,3.0,1000000001
"""
TAGS_CSV = """userId,movieId,tag,timestamp
2,2,cyberpunk,1445714994
"""
U_ITEM = (
    "1|Toy Story (1995)|01-Jan-1995||http://us.imdb.com/M/title-exact?Toy%20Story%20(1995)|0|0|0|1|1|1|0|0|0|0|0|0|0|0|0|0|0|0|0\n"
    "2|Café au lait (1993)|01-Jan-1993||http://x|0|0|0|0|0|1|0|0|0|0|0|0|0|0|0|0|0|0|0\n"
    "3|Usual Suspects, The (1995)|14-Aug-1995||http://x|0|0|0|0|0|0|1|0|0|0|0|0|0|0|0|0|1|0|0\n"
)
U_DATA = "1\t1\t5\t881250949\n1\t3\t4\t881250950\n2\t2\t3\t881250951\n2\t3\t1\t881250952\n"


@pytest.fixture
def movielens_csv(tmp_path: Path) -> Path:
    directory = tmp_path / "ml-latest-small"
    directory.mkdir()
    for name, text in (
        ("movies.csv", MOVIES_CSV),
        ("links.csv", LINKS_CSV),
        ("ratings.csv", RATINGS_CSV),
        ("tags.csv", TAGS_CSV),
    ):
        (directory / name).write_text(text, encoding="utf-8")
    return directory


@pytest.fixture
def movielens_100k(tmp_path: Path) -> Path:
    directory = tmp_path / "ml-100k"
    directory.mkdir()
    (directory / "u.item").write_bytes(U_ITEM.encode("latin-1"))
    (directory / "u.data").write_text(U_DATA)
    return directory


def report_counts(report: str) -> dict[str, int]:
    """The counts of an import's closing report ("  ratings created   7" -> {"ratings created": 7})."""
    import re

    return {m.group(1): int(m.group(2)) for m in re.finditer(r"^  (\S.*?)\s{2,}(\d+)$", report, flags=re.M)}
