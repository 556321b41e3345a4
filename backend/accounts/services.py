"""Account writes: registration and profile changes, each with the user's outbox event; passwords and
the revocation of refresh tokens (simplejwt's blacklist)."""

from __future__ import annotations

from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.tokens import RefreshToken

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


def change_password(user, *, old_password: str, new_password: str) -> None:
    """Set a new password after checking the current one and Django's validators; every refresh
    token the user holds is revoked in the same transaction (a stolen one stops working)."""
    if not user.check_password(old_password):
        raise ApplicationError("Password rejected.", fields={"old_password": ["The current password is wrong."]})
    try:
        password_validation.validate_password(new_password, user=user)
    except ValidationError as error:
        raise ApplicationError("Password rejected.", fields={"new_password": list(error.messages)}) from None
    with service_transaction():
        user.set_password(new_password)
        user.save(update_fields=["password"])
        revoke_refresh_tokens(user.id)


def revoke_refresh_tokens(user_id: int) -> int:
    """Blacklist every refresh token of the user that is not blacklisted yet; returns how many.
    Access tokens are not recorded and live out their lifetime (ACCESS_TOKEN_LIFETIME)."""
    with service_transaction():
        outstanding = list(
            OutstandingToken.objects.filter(user_id=user_id, blacklistedtoken__isnull=True).values_list("id", flat=True)
        )
        BlacklistedToken.objects.bulk_create(
            [BlacklistedToken(token_id=token_id) for token_id in outstanding], ignore_conflicts=True
        )
        return len(outstanding)


def revoke_refresh_token(raw_token: str) -> None:
    """Blacklist one refresh token (logout); an invalid, expired or revoked one raises TokenError."""
    RefreshToken(raw_token).blacklist()  # type: ignore[arg-type]  # simplejwt accepts the encoded text
