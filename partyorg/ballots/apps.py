from django.apps import AppConfig


class BallotsConfig(AppConfig):
    name = "partyorg.ballots"
    label = "ballots"
    default_auto_field = "django.db.models.BigAutoField"
