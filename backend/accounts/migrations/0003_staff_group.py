"""The `staff` group: what an operator needs in the admin (the outbox's dead letters and their retry,
the catalog, read access to activity). Every staff account joins it; services.grant_staff keeps
that true for new ones."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

STAFF_GROUP = "staff"
PERMISSIONS = {
    "sync": ["view_outboxevent", "view_delivery", "change_delivery", "view_reconcileresult"],
    "catalog": [
        f"{action}_{model}"
        for model in ("movie", "genre", "person", "credit")
        for action in ("view", "add", "change", "delete")
    ],  # fmt: skip
    "social": ["view_rating", "view_like", "view_follow"],
    "accounts": ["view_profile"],
}


def create_staff_group(apps, schema_editor):
    # Permissions are made after migrations (post_migrate); a fresh database needs them now.
    for label in PERMISSIONS:
        app_config = apps.get_app_config(label)
        app_config.models_module = True  # the stub has none; create_permissions skips such apps
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    User = apps.get_model("auth", "User")
    group, _ = Group.objects.get_or_create(name=STAFF_GROUP)
    for label, codenames in PERMISSIONS.items():
        group.permissions.add(*Permission.objects.filter(content_type__app_label=label, codename__in=codenames))
    for user in User.objects.filter(is_staff=True):
        user.groups.add(group)


def drop_staff_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=STAFF_GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_username_case_insensitive"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("sync", "0002_reconcile_result"),
        ("catalog", "0002_title_keys"),
        ("social", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_staff_group, drop_staff_group)]
