from django.core.management.base import BaseCommand

from backend.demo.loader import DEMO_PASSWORD, is_empty, load_demo


class Command(BaseCommand):
    help = "Load the demo catalog, users and activity into an empty database."

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true", help="Do nothing when movies exist")

    def handle(self, *args, if_empty, **options):
        if not is_empty():
            if if_empty:
                self.stdout.write("database not empty: demo data not loaded")
                return
            self.stderr.write("the database already holds movies; the demo set loads into an empty one")
            raise SystemExit(1)
        counts = load_demo()
        self.stdout.write(f"demo data loaded: {counts}; demo password: {DEMO_PASSWORD}")
