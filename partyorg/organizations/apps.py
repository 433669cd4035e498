from django.apps import AppConfig


class OrganizationsConfig(AppConfig):
    name = "partyorg.organizations"
    label = "organizations"
    default_auto_field = "django.db.models.BigAutoField"
