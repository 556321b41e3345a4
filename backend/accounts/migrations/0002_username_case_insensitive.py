"""Usernames unique regardless of case: `Ada` and `ada` are one account (services.register_user
also NFKC-normalizes them). UPPER() is what Django's `iexact` compares, so the index serves it too."""

from django.conf import settings
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunSQL(
            "CREATE UNIQUE INDEX IF NOT EXISTS accounts_username_upper_unique ON auth_user (UPPER(username))",
            "DROP INDEX IF EXISTS accounts_username_upper_unique",
        )
    ]
