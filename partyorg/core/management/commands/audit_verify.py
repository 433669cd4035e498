from django.core.management.base import BaseCommand

from partyorg.core.audit import audit_verify_chain


class Command(BaseCommand):
    help = "Kiểm tra chuỗi băm của nhật ký kiểm toán / Verify the audit log hash chain."

    def handle(self, *args, **options):
        report = audit_verify_chain()
        if report.ok:
            self.stdout.write(f"OK: {report.checked} sự kiện hợp lệ / events verified.")
            return
        self.stdout.write(
            f"HỎNG / BROKEN tại sự kiện / at event #{report.broken_at}: {report.reason} "
            f"(đã kiểm / checked before it: {report.checked})"
        )
        raise SystemExit(1)
