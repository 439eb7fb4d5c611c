"""The transaction that writes an upload, queued on SQLite.

SQLite lets one connection write at a time; the others wait in SQLite's busy handler, which SLEEPS
between attempts with a growing pause (up to 100 ms per attempt). With many uploads at once, an
upload could thus wait long after the lock was free. Here, on SQLite, writers first queue on an
advisory lock (``flock``) on a file beside the database: the kernel wakes a waiter as soon as the
holder releases it, and releases it if the holder's process dies. The transaction still takes
SQLite's lock (``BEGIN IMMEDIATE``, timeout 30 s) for writers that do not queue here. PostgreSQL
needs nothing of this: its waits (row locks) are woken at once.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import connection, transaction

FICHIER_VERROU = "portail.sqlite3-ecriture"


@contextmanager
def transaction_d_ecriture() -> Iterator[None]:
    """``transaction.atomic()``, after the other writers on SQLite (see the module). Inside a transaction
    already open (which holds SQLite's write lock since its ``BEGIN IMMEDIATE``), nothing is queued:
    waiting here for a writer that itself waits for SQLite's lock would block both until the timeout."""
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        with transaction.atomic():
            yield
        return
    fd = os.open(settings.DONNEES / FICHIER_VERROU, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        with transaction.atomic():
            yield
    finally:
        os.close(fd)  # releases the lock, after the commit (or the rollback)
