"""Exclusive ownership of an embedded Edge shard directory by one process.

Qdrant Edge itself refuses a second opener only indirectly: its write-ahead
log lock fails with "Can't init WAL: Kind(WouldBlock)", and not at all when
the WAL is disabled. This lock turns that into a clear VectorShardLocked
before the shard is touched.
"""

import fcntl
import os

from vectors.errors import VectorShardLocked

LOCK_FILE_NAME = ".vectors.lock"


class ShardDirectoryLock:
    """A non-blocking `flock` on `<directory>/.vectors.lock`, held until `release()`.

    flock locks belong to the open file description, so they are released by
    the kernel when the process dies (no stale lock after a crash), and a child
    created by fork shares the parent's lock rather than owning a new one.
    """

    def __init__(self, directory: str) -> None:
        os.makedirs(directory, exist_ok=True)
        self.directory = directory
        self._descriptor: int | None = os.open(os.path.join(directory, LOCK_FILE_NAME), os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(self._descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as error:
            os.close(self._descriptor)
            self._descriptor = None
            raise VectorShardLocked(directory) from error
        # The holder's pid helps whoever finds the directory locked; it is not the lock.
        os.ftruncate(self._descriptor, 0)
        os.write(self._descriptor, f"{os.getpid()}\n".encode())

    def release(self) -> None:
        """Unlock; idempotent."""
        if self._descriptor is None:
            return
        fcntl.flock(self._descriptor, fcntl.LOCK_UN)
        os.close(self._descriptor)
        self._descriptor = None
