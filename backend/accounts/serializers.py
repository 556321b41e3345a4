from django.contrib.auth import get_user_model
from rest_framework import serializers

from backend.core.fields import StrictBooleanField, StrictCharField

User = get_user_model()


# The profile's display name starts as the username and holds 80 characters.
USERNAME_MAX_LENGTH = 80


class RegisterSerializer(serializers.Serializer):
    username = serializers.RegexField(r"^[\w.@+-]+\Z", max_length=USERNAME_MAX_LENGTH)
    password = StrictCharField(write_only=True, max_length=128, style={"input_type": "password"})
    email = serializers.EmailField(max_length=254)  # RFC 5321's limit, and the column's


class RegisteredUserSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = StrictCharField()
    email = serializers.EmailField()


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    username = StrictCharField(read_only=True)
    email = serializers.EmailField(read_only=True)
    display_name = StrictCharField(source="profile.display_name", max_length=80, allow_blank=True, required=False)
    bio = StrictCharField(source="profile.bio", max_length=500, allow_blank=True, required=False)
    is_private = StrictBooleanField(source="profile.is_private", required=False)


class UserSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = StrictCharField()
    display_name = StrictCharField(source="profile.display_name")


class PasswordChangeSerializer(serializers.Serializer):
    old_password = StrictCharField(write_only=True, max_length=128, style={"input_type": "password"})
    new_password = StrictCharField(write_only=True, max_length=128, style={"input_type": "password"})


class TokenPairSerializer(serializers.Serializer):
    access = StrictCharField()
    refresh = StrictCharField()


class RefreshTokenSerializer(serializers.Serializer):
    refresh = StrictCharField(write_only=True)
