from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "partyorg.imports"
    label = "imports"
    default_auto_field = "django.db.models.BigAutoField"
