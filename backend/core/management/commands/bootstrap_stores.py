from django.core.management.base import BaseCommand

import vectors
from graph import schema


class Command(BaseCommand):
    help = "Create the graph constraints and the vector collection (idempotent)."

    def handle(self, *args, **options):
        schema.bootstrap()
        vectors.bootstrap()
        self.stdout.write("graph constraints and vector collection ready")
