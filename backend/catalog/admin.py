from django.contrib import admin

from backend.catalog.models import Credit, Genre, Movie, Person


class CreditInline(admin.TabularInline):
    model = Credit
    extra = 0
    autocomplete_fields = ["person"]


@admin.register(Movie)
class MovieAdmin(admin.ModelAdmin):
    """Read-mostly: catalog edits go through the API so each records its outbox event."""

    list_display = ["id", "title", "year", "original_language", "rank_position", "rating_count", "popularity"]
    list_filter = ["genres", "original_language"]
    search_fields = ["title", "original_title"]
    readonly_fields = [f.name for f in Movie._meta.fields if f.name != "id"]
    inlines = [CreditInline]

    def has_add_permission(self, request):
        return False


@admin.register(Genre)
class GenreAdmin(admin.ModelAdmin):
    search_fields = ["name"]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    search_fields = ["name"]
