from django.contrib import admin

from backend.accounts.models import Profile


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "display_name", "is_private"]
    list_select_related = ["user"]
    search_fields = ["user__username", "display_name"]
    readonly_fields = ["user", "is_private"]
