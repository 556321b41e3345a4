"""List filters and ordering for /api/movies/; each is backed by an index on catalog_movie."""

import django_filters
from django import forms
from django.db.models import Exists, OuterRef
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from backend.catalog.models import Credit, Genre, Movie, Person
from backend.catalog.title_search import rank_by_title

SEARCH_MAX_LENGTH = 200


class IntegerFilter(django_filters.NumberFilter):
    """A whole number, as the schema says (NumberFilter alone takes "1.5" and "1e3")."""

    field_class = forms.IntegerField


class MovieFilter(django_filters.FilterSet):
    genre = django_filters.ModelChoiceFilter(
        field_name="genres", to_field_name="name", queryset=Genre.objects.all(), help_text="Genre name"
    )
    year_min = IntegerFilter(field_name="year", lookup_expr="gte")
    year_max = IntegerFilter(field_name="year", lookup_expr="lte")
    language = django_filters.CharFilter(field_name="original_language", max_length=8)
    person = django_filters.ModelChoiceFilter(
        queryset=Person.objects.all(), method="filter_person", help_text="Person id (cast or crew)"
    )
    q = django_filters.CharFilter(
        method="filter_search",
        max_length=SEARCH_MAX_LENGTH,
        help_text="Search: titles first (exact, prefix, words, typos; a trailing year is preferred), then full text",
    )
    ordering = django_filters.OrderingFilter(
        fields=(
            ("rank_position", "rank"),
            ("release_date", "release_date"),
            ("title", "title"),
            ("popularity", "popularity"),
        ),
    )

    class Meta:
        model = Movie
        fields = ["genre", "year_min", "year_max", "language", "person", "q"]

    @extend_schema_field(OpenApiTypes.INT)
    def filter_person(self, queryset, name, person):
        return queryset.filter(Exists(Credit.objects.filter(movie=OuterRef("pk"), person=person)))

    def filter_search(self, queryset, name, text):
        return rank_by_title(queryset, text, order=not self.data.get("ordering"))
