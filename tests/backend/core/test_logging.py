"""Quiet logs by default: warnings and errors only, LOG_LEVEL to see more, and a Celery task logged
when it fails or retries, never for each success."""

from __future__ import annotations

import logging
import logging.config

import pytest
from django.conf import settings

from backend.config import env
from backend.config.env import ConfigError


def trace_record(message: str, level: int = logging.INFO) -> logging.LogRecord:
    return logging.LogRecord("celery.app.trace", level, __file__, 1, message, None, None)


def test_the_default_level_is_warning():
    assert settings.LOG_LEVEL == "WARNING"
    assert settings.LOGGING["root"]["level"] == "WARNING"


def test_task_successes_are_dropped_and_retries_and_failures_kept():
    logging.config.dictConfig(settings.LOGGING)
    trace = logging.getLogger("celery.app.trace")
    kept = [
        all(f.filter(record) for f in trace.filters)
        for record in (
            trace_record("Task %(name)s[%(id)s] succeeded in %(runtime)ss: %(return_value)s"),
            trace_record("Task %(name)s[%(id)s] retry: %(exc)s"),
            trace_record("Task %(name)s[%(id)s] raised unexpected: %(exc)s", logging.ERROR),
        )
    ]

    assert kept == [False, True, True]


@pytest.mark.parametrize("value, expected", [("info", "INFO"), ("DEBUG", "DEBUG"), ("", "WARNING")])
def test_log_level_is_read_from_the_environment(monkeypatch, value, expected):
    monkeypatch.setenv("LOG_LEVEL", value)

    assert env.choice("LOG_LEVEL", ("DEBUG", "INFO", "WARNING", "ERROR"), "WARNING") == expected


def test_an_unknown_log_level_names_the_variable(monkeypatch):
    monkeypatch.setenv("LOG_LEVEL", "loud")

    with pytest.raises(ConfigError, match="LOG_LEVEL"):
        env.choice("LOG_LEVEL", ("DEBUG", "INFO", "WARNING", "ERROR"), "WARNING")
