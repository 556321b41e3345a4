from django.core.management.base import BaseCommand, CommandError

from backend.sync import operations
from backend.sync.models import Delivery


class Command(BaseCommand):
    help = "Inspect the outbox: list deliveries, retry failed ones, replay events."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        listing = sub.add_parser("list", help="List deliveries (failed ones by default)")
        listing.add_argument("--status", choices=[s for s, _ in Delivery.STATUSES], default=Delivery.FAILED)
        listing.add_argument("--target", choices=[t for t, _ in Delivery.TARGETS])
        listing.add_argument("--limit", type=int, default=50)
        retry = sub.add_parser("retry", help="Send failed deliveries again")
        retry.add_argument("delivery_ids", nargs="*", type=int, help="Only these (default: every failed one)")
        retry.add_argument("--target", choices=[t for t, _ in Delivery.TARGETS])
        replay = sub.add_parser("replay", help="Apply events again from an event id on")
        replay.add_argument("--from-event", type=int, required=True)
        replay.add_argument("--target", choices=[t for t, _ in Delivery.TARGETS])

    def handle(self, *args, action, **options):
        if action == "list":
            deliveries = Delivery.objects.filter(status=options["status"]).select_related("event").order_by("id")
            if options["target"]:
                deliveries = deliveries.filter(target=options["target"])
            for d in deliveries[: options["limit"]]:
                self.stdout.write(
                    f"{d.id}\t{d.target}\t{d.status}\tattempts={d.attempts}\t{d.event}\t{d.last_error[:120]}"
                )
        elif action == "retry":
            count = operations.retry_failed(target=options["target"], delivery_ids=options["delivery_ids"] or None)
            self.stdout.write(f"{count} deliveries sent again")
        elif action == "replay":
            count = operations.replay_events(from_event_id=options["from_event"], target=options["target"])
            self.stdout.write(f"{count} deliveries replayed")
        else:
            raise CommandError(f"unknown action {action}")
