from django.apps import AppConfig


class PersonalDataConfig(AppConfig):
    name = "backend.personal_data"
    verbose_name = "Personal data"
