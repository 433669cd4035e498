from django.apps import AppConfig


class ConfidenceConfig(AppConfig):
    name = "partyorg.confidence"
    label = "confidence"
    default_auto_field = "django.db.models.BigAutoField"
