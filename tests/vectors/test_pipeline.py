"""vectors.pipeline: batches are written in order, and a failure on either side stops the pipeline."""

import threading

import pytest

from vectors.pipeline import encode_while_writing


def test_every_batch_is_written_in_order_off_the_encoding_thread():
    written, writer_threads = [], set()

    def write(batch, encoded):
        writer_threads.add(threading.current_thread().name)
        written.append((batch, encoded))

    count = encode_while_writing(range(6), lambda batch: batch * 10, write)
    assert count == 6
    assert written == [(batch, batch * 10) for batch in range(6)]
    assert writer_threads == {"vector-writer"}


def test_a_write_failure_is_raised_and_stops_later_writes():
    written = []

    def write(batch, _encoded):
        if batch == 2:
            raise ConnectionError("store down")
        written.append(batch)

    with pytest.raises(ConnectionError, match="store down"):
        encode_while_writing(range(10), lambda batch: batch, write)
    assert written == [0, 1]


def test_an_encode_failure_is_raised_after_the_earlier_batches_are_written():
    written = []

    def encode(batch):
        if batch == 3:
            raise ValueError("bad text")
        return batch

    with pytest.raises(ValueError, match="bad text"):
        encode_while_writing(range(10), encode, lambda batch, _encoded: written.append(batch))
    assert written == [0, 1, 2]
