from django.core.management.base import BaseCommand

from partyorg.accounts.models import RoleGrant
from partyorg.core.demo import PASSWORD


class Command(BaseCommand):
    help = "In các tài khoản mẫu / Print the demo logins."

    def handle(self, *args, **opts):
        self.stdout.write(f"Tài khoản mẫu / demo logins (mật khẩu / password: {PASSWORD})")
        for g in RoleGrant.objects.select_related("user", "organization").order_by("id"):
            self.stdout.write(f"  {g.user.username:<12} {g.get_role_display():<28} {g.organization.name}")
