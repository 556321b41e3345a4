"""Whole answers of hot public reads kept in the default cache under versioned keys.

A cached answer is stored with the current token of every version it was built from (for
example `kind:movie`, which the outbox bumps on each recorded movie change, and `target:vectors`,
bumped when the vector deliveries are applied) and served only while those tokens are current. A
write bumps its versions, and again when its transaction commits, so the next read builds a fresh
answer; a reader that saw the old tokens may store an old answer, but never one that is served. The
tokens and the entry are read together, one round trip to Redis; entries expire after
RESPONSE_CACHE_SECONDS.

The cache is Redis in every deployment (locmem in tests, per process). Redis down: the default
alias ignores its errors (settings: IGNORE_EXCEPTIONS), versions read as missing, and every read
is built from the stores as if no cache existed. RESPONSE_CACHE_SECONDS=0 turns caching off.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

T = TypeVar("T")

_VERSION_PREFIX = "response-version:"
_ENTRY_PREFIX = "response:"


def kind_version(kind: str) -> str:
    """The version name every recorded change of an outbox kind bumps (backend/sync/outbox.py)."""
    return f"kind:{kind}"


def target_version(target: str) -> str:
    """The version name bumped when deliveries to a projection target are applied."""
    return f"target:{target}"


def bump(*names: str) -> None:
    """New tokens for these versions now and again when the open transaction commits, so answers
    built from them are rebuilt on their next read. Now: reads inside the writing transaction see
    the change. On commit: a reader that rebuilt between the two from the state before the commit
    stored it under a token that is then dropped. One cache write each."""
    if not names or not enabled():
        return

    def renew() -> None:
        cache.set_many({_VERSION_PREFIX + name: _token() for name in names}, None)

    renew()
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(renew)


def cached(name: str, parts: Sequence[Any], versions: Sequence[str], build: Callable[[], T]) -> T:
    """`build()`'s answer for this read, from the cache when the stored one was built under the
    versions' current tokens; otherwise built and stored. The entry and the tokens are read in one
    round trip. An exception from build is raised, not cached."""
    if not enabled():
        return build()
    digest = hashlib.blake2b(repr(tuple(parts)).encode(), digest_size=16).hexdigest()
    key = f"{_ENTRY_PREFIX}{name}:{digest}"
    version_keys = [_VERSION_PREFIX + name for name in versions]
    found = cache.get_many([*version_keys, key])
    tokens = _tokens(version_keys, found)
    if tokens is None:  # the cache is not answering: build every time rather than risk staleness
        return build()
    entry = found.get(key)
    if entry is not None and entry[0] == tokens:
        return entry[1]
    answer = build()
    # A slower reader may overwrite this with an older answer under older tokens: the next read
    # sees tokens that do not match and builds again; a stale answer is never served.
    cache.set(key, (tokens, answer), settings.RESPONSE_CACHE_SECONDS)
    return answer


def enabled() -> bool:
    return settings.RESPONSE_CACHE_SECONDS > 0


def _token() -> str:
    return uuid.uuid4().hex[:16]


def _tokens(version_keys: list[str], found: dict[str, Any]) -> tuple[str, ...] | None:
    missing = [key for key in version_keys if key not in found]
    if missing:
        # A version never bumped (or lost with the cache): give it a token; add() keeps a token
        # another process set first, so all agree on one.
        for key in missing:
            cache.add(key, _token(), None)
        found = found | cache.get_many(missing)
        if any(key not in found for key in missing):
            return None
    return tuple(found[key] for key in version_keys)
