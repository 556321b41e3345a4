from django.core.management.base import BaseCommand

from backend.projector.reconcile import reconcile


class Command(BaseCommand):
    help = "Compare Postgres with the graph and vector projections; --repair sends what is missing."

    def add_arguments(self, parser):
        parser.add_argument("--repair", action="store_true", help="Record events that repair the drift")

    def handle(self, *args, repair, **options):
        drifts = reconcile(repair=repair)
        for drift in drifts:
            s = drift.summary()
            self.stdout.write(
                f"{s['target']:8} {s['kind']:7} missing={s['missing']} extra={s['extra']} stale={s['stale']}"
                + (f"  e.g. {', '.join(s['sample'])}" if s["sample"] else "")
            )
        total = sum(d.total for d in drifts)
        verdict = "repair events recorded" if repair and total else ("in sync" if not total else "run with --repair")
        self.stdout.write(f"drift: {total} ({verdict})")
