"""The JSON body parser of every endpoint, with a bound on nesting: a body nested deeper than any
endpoint reads is refused as malformed (400) before a serializer walks it, and a body deep enough to
exhaust the parser's own recursion is refused the same way instead of a 500."""

from __future__ import annotations

from rest_framework import parsers
from rest_framework.exceptions import ParseError

# No endpoint takes more than a few levels (a movie's credits: object > list > object).
MAX_JSON_DEPTH = 32


def _depth_exceeds(value: object, limit: int) -> bool:
    """Iterative, so the check itself cannot overflow the stack."""
    stack: list[tuple[object, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children: list[object] = list(item.values())
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(f"JSON parse error - nested deeper than {MAX_JSON_DEPTH} levels") from None
        if _depth_exceeds(data, MAX_JSON_DEPTH):
            raise ParseError(f"JSON parse error - nested deeper than {MAX_JSON_DEPTH} levels")
        return data
