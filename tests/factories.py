"""factory_boy factories that create through the write services, so every row they make also
records its outbox event, exactly like a client's write."""

from __future__ import annotations

from datetime import date

import factory
from django.contrib.auth import get_user_model

from backend.accounts.services import register_user, update_profile
from backend.catalog import services as catalog_services
from backend.catalog.models import Genre, Person

PASSWORD = "a-long-test-password-1"


class UserFactory(factory.Factory):
    class Meta:
        model = get_user_model()

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.test")
    is_private = False
    is_staff = False

    @classmethod
    def _create(cls, model_class, *, username, email, is_private, is_staff):
        user = register_user(username=username, email=email, password=PASSWORD)
        if is_private:
            update_profile(user, is_private=True)
        if is_staff:
            get_user_model().objects.filter(id=user.id).update(is_staff=True)
            user.is_staff = True
        return user


class GenreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Genre
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Genre {n}")


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    name = factory.Sequence(lambda n: f"Person {n}")


class MovieFactory(factory.Factory):
    class Meta:
        model = dict

    title = factory.Sequence(lambda n: f"Movie {n}")
    overview = "A story told for the tests."
    release_date = date(2001, 5, 4)
    original_language = "en"
    popularity = 1.0
    genres: tuple[str, ...] = ()
    credits: tuple = ()

    @classmethod
    def _create(cls, model_class, *, genres, credits, **fields):
        for name in genres:
            GenreFactory(name=name)
        return catalog_services.create_movie(
            catalog_services.MovieInput(fields=fields, genres=list(genres), credits=list(credits))
        )
