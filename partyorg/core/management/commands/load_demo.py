from django.core.management.base import BaseCommand

from partyorg.core.demo import load_demo
from partyorg.organizations.models import Organization


class Command(BaseCommand):
    help = "Nạp dữ liệu mẫu (tỉnh Sơn Hà, ~10.000 đảng viên) / Load the demo data."

    def add_arguments(self, parser):
        parser.add_argument("--members", type=int, default=10_000)
        parser.add_argument("--if-empty", action="store_true", help="do nothing when data already exists")

    def handle(self, *args, **opts):
        if Organization.objects.exists():
            if opts["if_empty"]:
                self.stdout.write("Dữ liệu đã có sẵn / data already loaded.")
                return
            raise SystemExit("Cơ sở dữ liệu đã có dữ liệu / the database is not empty.")
        result = load_demo(members_target=opts["members"])
        self.stdout.write(f"Đã nạp {result['organizations']} tổ chức, {result['members']} đảng viên.")
