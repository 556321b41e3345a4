"""The embedded text and its hash are deterministic."""

from vectors.text import content_hash, movie_embedding_text


def test_text_is_the_overview_then_sorted_genres_without_the_title():
    text = movie_embedding_text("Heat", 1995, ["Thriller", "Crime"], "A detective hunts a thief.")
    assert text == "A detective hunts a thief. Genres: Crime, Thriller."


def test_without_an_overview_the_title_and_year_stand_in_for_it():
    assert movie_embedding_text("Heat", 1995, ["Crime"], "") == "Heat (1995). Genres: Crime."


def test_a_title_change_alone_does_not_change_the_text():
    assert movie_embedding_text("Heat", 1995, [], "Plot.") == movie_embedding_text("Heat 2", 2022, [], "Plot.")


def test_genre_order_and_duplicates_do_not_change_hash():
    first = movie_embedding_text("Heat", 1995, ["Thriller", "Crime"], "Plot.")
    second = movie_embedding_text("Heat", 1995, ["Crime", "Thriller", "Crime"], "Plot.")
    assert content_hash(first) == content_hash(second)


def test_missing_parts_are_left_out():
    assert movie_embedding_text("  Untitled  ", None, [], "  ") == "Untitled."


def test_overview_change_changes_hash():
    before = movie_embedding_text("Heat", 1995, ["Crime"], "Plot.")
    after = movie_embedding_text("Heat", 1995, ["Crime"], "New plot.")
    assert content_hash(before) != content_hash(after)


def test_hash_is_sha256_hex():
    digest = content_hash("Heat (1995).")
    assert len(digest) == 64 and int(digest, 16) >= 0
    assert content_hash("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
