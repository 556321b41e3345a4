"""At most a few films per genre in the first page of a list."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

MAX_PER_GENRE_FIRST_PAGE = 4


def cap_genres_first_page(
    ranked: Sequence[int], genres: Mapping[int, Sequence[str]], page_size: int, cap: int = MAX_PER_GENRE_FIRST_PAGE
) -> list[int]:
    """Reorder so the first `page_size` items hold at most `cap` films of any one genre.

    Greedy in rank order: a film whose genres are all at the cap waits; waiting films follow the
    first page in their original order. A film counts against each of its genres. If the cap leaves
    the page short, it is filled from the waiting films (a short catalogue still fills a page)."""
    page: list[int] = []
    waiting: list[int] = []
    counts: dict[str, int] = {}
    rest_start = len(ranked)
    for index, item in enumerate(ranked):
        if len(page) >= page_size:
            rest_start = index
            break
        item_genres = genres.get(item, ())
        if any(counts.get(g, 0) >= cap for g in item_genres):
            waiting.append(item)
            continue
        for g in item_genres:
            counts[g] = counts.get(g, 0) + 1
        page.append(item)
    while len(page) < page_size and waiting:
        page.append(waiting.pop(0))
    return page + waiting + list(ranked[rest_start:])
