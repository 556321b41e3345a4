"""Account writes: registration and profile changes, each with the user's outbox event."""

from __future__ import annotations

from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from backend.accounts.models import Profile
from backend.core.errors import ApplicationError, Conflict
from backend.core.transactions import service_transaction
from backend.sync.outbox import aggregate_key, record_change

User = get_user_model()

PROFILE_FIELDS = ("display_name", "bio", "is_private")
# Made by migration 0003 with the admin permissions an operator needs.
STAFF_GROUP = "staff"


def register_user(*, username: str, email: str, password: str):
    """Create a user and their profile; 409 when the username is taken. Usernames are NFKC-normalized
    (a fullwidth `ａｄａ` is `ada`) and unique regardless of case (`Ada` is `ada`): a unique index on
    UPPER(username) (migration 0002) settles a race the check below cannot."""
    username = User.normalize_username(username)
    if User.objects.filter(username__iexact=username).exists():
        raise Conflict("That username is taken.", fields={"username": ["That username is taken."]})
    candidate = User(username=username, email=email)
    try:
        password_validation.validate_password(password, user=candidate)
    except ValidationError as error:
        raise ApplicationError("Password rejected.", fields={"password": list(error.messages)}) from None
    candidate.set_password(password)
    try:
        with service_transaction():
            candidate.save()  # its profile is created with it (accounts.apps)
            record_change("user", aggregate_key(candidate.id), "user.created")
    except IntegrityError:
        raise Conflict("That username is taken.", fields={"username": ["That username is taken."]}) from None
    return candidate


def update_profile(user, **changes) -> Profile:
    unknown = set(changes) - set(PROFILE_FIELDS)
    if unknown:
        raise ValueError(f"not profile fields: {sorted(unknown)}")
    with service_transaction():
        profile = Profile.objects.select_for_update().get(user=user)
        if all(getattr(profile, name) == value for name, value in changes.items()):
            return profile
        for name, value in changes.items():
            setattr(profile, name, value)
        profile.save(update_fields=list(changes))
        user.profile = profile
        record_change("user", aggregate_key(user.id), "user.updated")
        return profile


def grant_staff(user) -> None:
    """Make `user` staff with the `staff` group's permissions (the admin shows them the outbox)."""
    from django.contrib.auth.models import Group

    with service_transaction():
        User.objects.filter(id=user.id).update(is_staff=True)
        user.is_staff = True
        user.groups.add(Group.objects.get(name=STAFF_GROUP))
