from django.contrib import admin

from backend.social.models import Follow, Like, Rating


class ReadOnlyAdmin(admin.ModelAdmin):
    """Writes go through the services (and their outbox events), never the admin."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Rating)
class RatingAdmin(ReadOnlyAdmin):
    list_display = ["id", "user", "movie", "score", "updated_at"]
    list_select_related = ["user", "movie"]
    search_fields = ["user__username", "movie__title"]


@admin.register(Like)
class LikeAdmin(ReadOnlyAdmin):
    list_display = ["id", "user", "movie", "created_at"]
    list_select_related = ["user", "movie"]


@admin.register(Follow)
class FollowAdmin(ReadOnlyAdmin):
    list_display = ["id", "follower", "followee", "created_at"]
    list_select_related = ["follower", "followee"]
