"""The recommender's arithmetic: models, scoring, fusion and the offline evaluation protocol.

Django-free (numpy and scipy only), so the endpoint and `evaluate_recommendations` run the same
code: the backend feeds it rows from Postgres, the evaluation feeds it the same rows in memory.
"""
