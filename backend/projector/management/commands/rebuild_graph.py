import time

from django.core.management.base import BaseCommand

from backend.projector.rebuild import rebuild_graph


class Command(BaseCommand):
    help = "Rebuild the graph projection from Postgres in bulk."

    def handle(self, *args, **options):
        started = time.perf_counter()
        counts = rebuild_graph(progress=True)
        self.stdout.write(f"graph rebuilt in {time.perf_counter() - started:.1f}s: {counts}")
