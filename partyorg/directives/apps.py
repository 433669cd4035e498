from django.apps import AppConfig


class DirectivesConfig(AppConfig):
    name = "partyorg.directives"
    label = "directives"
    default_auto_field = "django.db.models.BigAutoField"
