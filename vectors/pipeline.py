"""Encode the next batch while the previous one is written: a one-thread pipeline for ingest.

The model keeps the caller's thread (torch releases the GIL while it computes); one writer thread
takes each encoded batch in order, so writes happen in batch order and at most one batch waits.
"""

import queue
import threading
from collections.abc import Callable, Iterable
from typing import TypeVar

# Texts per encode call on the ingest paths. sentence-transformers sorts one call's texts by length
# before cutting its batches, so a bigger window pads less: 64 texts a call ran at 0.65-0.83 of one
# call over 512 plots, 256 a call at 0.89-0.96 (bench/bench_vectors.py measures it).
ENCODE_WINDOW = 256

Batch = TypeVar("Batch")
Encoded = TypeVar("Encoded")


def encode_while_writing(
    batches: Iterable[Batch],
    encode: Callable[[Batch], Encoded],
    write: Callable[[Batch, Encoded], None],
) -> int:
    """encode(batch) in this thread, write(batch, encoded) in one writer thread, in batch order.

    Returns how many batches were written. The first exception of either side stops the pipeline
    and is raised here once the writer has stopped, so no write runs after the call returns. A
    write failure stops the writes after it; an encode failure still lets the batches encoded
    before it be written.
    """
    # None marks the end; a tuple is one encoded batch.
    handoff: queue.Queue[tuple[Batch, Encoded] | None] = queue.Queue(maxsize=1)
    write_failures: list[BaseException] = []
    written = 0

    def writer() -> None:
        nonlocal written
        while True:
            item = handoff.get()
            if item is None:
                return
            if write_failures:
                continue  # drain without writing so the producer never blocks
            batch, encoded = item
            try:
                write(batch, encoded)
                written += 1
            except BaseException as error:
                write_failures.append(error)

    thread = threading.Thread(target=writer, name="vector-writer", daemon=True)
    thread.start()
    try:
        for batch in batches:
            if write_failures:
                break
            handoff.put((batch, encode(batch)))
    finally:
        handoff.put(None)
        thread.join()
    if write_failures:
        raise write_failures[0]
    return written
