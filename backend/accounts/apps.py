from django.apps import AppConfig
from django.conf import settings
from django.db.models.signals import post_save


class AccountsConfig(AppConfig):
    name = "backend.accounts"

    def ready(self):
        # Every account has a profile, including those made by createsuperuser or the admin.
        post_save.connect(_ensure_profile, sender=settings.AUTH_USER_MODEL, dispatch_uid="accounts.ensure_profile")


def _ensure_profile(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        from backend.accounts.models import Profile

        Profile.objects.get_or_create(user=instance, defaults={"display_name": instance.get_username()})
