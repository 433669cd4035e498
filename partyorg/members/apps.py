from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "partyorg.members"
    label = "members"
    default_auto_field = "django.db.models.BigAutoField"
