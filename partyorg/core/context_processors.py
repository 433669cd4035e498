from partyorg.core.scopes import scope_for


def partyorg(request):
    user = getattr(request, "user", None)
    scope = scope_for(user) if user is not None and user.is_authenticated else None
    return {"scope": scope, "APP_NAME": "PartyOrg"}
