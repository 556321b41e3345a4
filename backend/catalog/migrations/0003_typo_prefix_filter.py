"""The typo lookup reads the posting lists of the query's rarest trigrams only (title_search._TYPO_SQL):
catalog_title_trigram_frequency says which trigrams are common, and an index by (movie, variant)
lets each candidate count the common trigrams it has. The (movie, variant) index also serves the
triggers' deletes by movie, so it replaces the index on movie_id alone."""

from django.db import migrations

FREQUENT_TRIGRAMS = 1000

FORWARD = f"""
CREATE TABLE catalog_title_trigram_frequency (
    trigram text PRIMARY KEY,
    movies integer NOT NULL
);
INSERT INTO catalog_title_trigram_frequency (trigram, movies)
SELECT trigram, count(*) FROM catalog_title_trigram GROUP BY trigram ORDER BY count(*) DESC, trigram
LIMIT {FREQUENT_TRIGRAMS};
CREATE INDEX catalog_title_trigram_key ON catalog_title_trigram (movie_id, variant) INCLUDE (trigram);
DROP INDEX catalog_title_trigram_movie;
"""

BACKWARD = """
CREATE INDEX catalog_title_trigram_movie ON catalog_title_trigram (movie_id);
DROP INDEX catalog_title_trigram_key;
DROP TABLE catalog_title_trigram_frequency;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0002_title_keys"),
    ]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
