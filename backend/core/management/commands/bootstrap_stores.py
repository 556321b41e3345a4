from django.core.management.base import BaseCommand

import vectors
from graph import projection, schema


class Command(BaseCommand):
    help = "Create the graph constraints and the vector collection (idempotent)."

    def handle(self, *args, **options):
        schema.bootstrap()
        # A graph projected before movies kept their public like count gets it here (then a no-op).
        counted = projection.backfill_public_likes()
        vectors.bootstrap()
        self.stdout.write(f"graph constraints and vector collection ready ({counted} movie like counts backfilled)")
