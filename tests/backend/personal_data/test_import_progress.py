"""GET /api/me/imports/{id}/ shows a running import's `progress` moving, while the import, one
transaction, shows none of its rows until it is done."""

from __future__ import annotations

import threading
import time
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction

from backend.core import jobs
from backend.personal_data import imports
from backend.social import services as social
from backend.social.models import Rating
from tests.factories import MovieFactory, UserFactory

IMPORTS = "/api/me/imports/"
FILMS = 6
BATCH = 2
WAIT_SECONDS = 20
# Matched all six, wrote two batches of ratings, waits on the third (a row the test holds).
WAITING_ON_THE_LAST_BATCH = {"phase": "writing", "processed": 2 * BATCH, "total": FILMS, "fraction": 0.8333}


def _poll(client, job_id: int, until, seen: list[dict]) -> dict:
    """GET the job until `until(progress)`, noting each new progress figure in `seen`."""
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        body = client.get(f"{IMPORTS}{job_id}/").json()
        if body["progress"] and (not seen or seen[-1] != body["progress"]):
            seen.append(body["progress"])
        if until(body["progress"] or {}) or body["status"] == "failed" or time.monotonic() > deadline:
            return body
        time.sleep(0.01)


@pytest.mark.django_db(transaction=True)
def test_a_running_import_shows_its_progress_moving_and_none_of_its_rows(client_of, monkeypatch):
    monkeypatch.setattr(imports, "IMPORT_PROGRESS_BATCH_ROWS", BATCH)
    user = UserFactory()
    films = [MovieFactory(title=f"Progress film {i}", release_date=date(2000, 1, 1)) for i in range(FILMS)]
    # Rated by hand: the import's last batch of ratings waits for this row while the test holds it.
    social.rate_movie(user, films[-1].id, Decimal("2.0"))
    csv_text = "Date,Name,Year,Letterboxd URI,Rating\n" + "".join(
        f"2020-01-02,Progress film {i},2000,,4\n" for i in range(FILMS)
    )
    client = client_of(user)
    # The broker has not delivered the task yet: the job stays queued until the worker below runs it.
    jobs.job_requested.disconnect(dispatch_uid="tasks.send_to_celery")
    try:
        response = client.post(
            IMPORTS, {"file": SimpleUploadedFile("ratings.csv", csv_text.encode())}, format="multipart"
        )
    finally:
        from tasks.apps import send_to_celery

        jobs.job_requested.connect(send_to_celery, dispatch_uid="tasks.send_to_celery")
    assert response.status_code == 202, response.content
    job_id = response.json()["id"]
    queued = client.get(f"{IMPORTS}{job_id}/").json()
    assert (queued["status"], queued["progress"]) == (
        "queued",
        {"phase": "queued", "processed": 0, "total": FILMS, "fraction": 0.0},
    )

    outcome: dict[str, str] = {}

    def worker() -> None:
        try:
            outcome["status"] = imports.run_import(job_id)
        finally:
            connection.close()

    thread = threading.Thread(target=worker)
    with transaction.atomic():
        Rating.objects.select_for_update().get(user=user, movie=films[-1])
        thread.start()
        seen: list[dict] = []
        running = _poll(client, job_id, lambda progress: progress == WAITING_ON_THE_LAST_BATCH, seen)

        assert running["status"] == "running", running
        assert running["progress"] == WAITING_ON_THE_LAST_BATCH
        fractions = [progress["fraction"] for progress in seen]
        assert fractions == sorted(fractions), seen
        # All or nothing: the ratings written so far are in the import's open transaction only.
        assert Rating.objects.filter(user=user).count() == 1
    thread.join(WAIT_SECONDS)
    done = client.get(f"{IMPORTS}{job_id}/").json()

    assert outcome == {"status": "done"}
    assert (done["status"], done["progress"]) == (
        "done",
        {"phase": "done", "processed": FILMS, "total": FILMS, "fraction": 1.0},
    )
    assert Rating.objects.filter(user=user).count() == FILMS
    assert done["counts"]["created"] == FILMS - 1 and done["counts"]["kept"] == 1
