import time

from django.core.management.base import BaseCommand

from backend.projector.rebuild import rebuild_vectors


class Command(BaseCommand):
    help = "Re-encode every movie and rebuild the vector projection (needs the vector store to itself)."

    def handle(self, *args, **options):
        started = time.perf_counter()
        count = rebuild_vectors(progress=True)
        self.stdout.write(f"{count} movies embedded in {time.perf_counter() - started:.1f}s")
