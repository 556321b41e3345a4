from django.conf import settings
from django.db import models


class Profile(models.Model):
    """One per user, created with the user (see services.register_user)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    display_name = models.CharField(max_length=80, blank=True)
    bio = models.CharField(max_length=500, blank=True)
    is_private = models.BooleanField(default=False)

    def __str__(self):
        return self.display_name or self.user.get_username()
