from django.core.management.base import BaseCommand

from backend.recommendations.training import train_recommender
from recommender.neighbours import EASE_DEFAULT_LAMBDA, NEIGHBOURS_PER_ITEM


class Command(BaseCommand):
    help = "Train the collaborative model (EASE) from ratings and likes and store its neighbour lists."

    def add_arguments(self, parser):
        parser.add_argument("--lambda", dest="ease_lambda", type=float, default=EASE_DEFAULT_LAMBDA)
        parser.add_argument("--neighbours", type=int, default=NEIGHBOURS_PER_ITEM)

    def handle(self, *args, ease_lambda, neighbours, **options):
        run = train_recommender(ease_lambda=ease_lambda, neighbours=neighbours)
        self.stdout.write(
            f"trained on {run.interactions} interactions ({run.users} users, {run.movies} movies): "
            f"{run.pairs} neighbour pairs in {run.seconds:.1f} s"
        )
