import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from partyorg.accounts.models import ApiToken, User
from tests.conftest import PASSWORD


def test_passwords_are_hashed_with_argon2(world):
    assert User.objects.get(username="staff_p1").password.startswith("argon2")


def test_login_and_logout(world, client):
    resp = client.post("/accounts/login/", {"username": "staff_p1", "password": PASSWORD})
    assert resp.status_code == 302
    assert client.get("/").status_code == 200
    client.post("/accounts/logout/")
    assert client.get("/").status_code == 302


def test_lockout_after_repeated_failures(world, client, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": "staff_p1", "password": "wrong"})
    resp = client.post("/accounts/login/", {"username": "staff_p1", "password": PASSWORD})
    assert resp.status_code == 429
    assert client.get("/").status_code == 302


@pytest.fixture
def require_2fa(settings):
    settings.PARTYORG_REQUIRE_2FA = True


def test_staff_must_pass_totp(world, client, require_2fa):
    client.post("/accounts/login/", {"username": "staff_p1", "password": PASSWORD})
    resp = client.get("/members/")
    assert resp.status_code == 302 and resp["Location"].startswith("/accounts/otp/")
    # First visit sets up a device; a wrong code is refused, the right one lets the user in.
    client.get("/accounts/otp/")
    device = TOTPDevice.objects.get(user__username="staff_p1")
    assert client.post("/accounts/otp/", {"token": "000000" if totp(device.bin_key) != 0 else "111111"}
                       ).status_code == 200
    device.throttle_reset()  # django-otp throttles after a failure; a real user would wait a second
    token = f"{totp(device.bin_key, step=device.step, digits=device.digits):06d}"
    assert client.post("/accounts/otp/", {"token": token}).status_code == 302
    assert client.get("/members/").status_code == 200
    device.refresh_from_db()
    assert device.confirmed


def test_member_role_needs_no_second_factor(world, client, require_2fa):
    client.post("/accounts/login/", {"username": "member_m1", "password": PASSWORD})
    assert client.get("/members/").status_code == 200


def test_api_token_is_stored_hashed_and_scoped(world, client):
    raw = ApiToken.new_raw()
    ApiToken.objects.create(user=world.users["staff_p1"], name="t", prefix=raw[:8], digest=ApiToken.digest_of(raw))
    assert not ApiToken.objects.filter(digest=raw).exists()
    resp = client.get("/api/v1/members/", HTTP_AUTHORIZATION=f"Bearer {raw}")
    names = {m["full_name"] for m in resp.json()["items"]}
    assert "Nguyễn Văn An" in names and "Đỗ Văn Hùng" not in names
    assert client.get("/api/v1/members/", HTTP_AUTHORIZATION="Bearer wrong").status_code == 401


def test_api_errors_are_bilingual_and_name_the_field(world, client):
    raw = ApiToken.new_raw()
    ApiToken.objects.create(user=world.users["staff_p1"], name="t", prefix=raw[:8], digest=ApiToken.digest_of(raw))
    resp = client.post("/api/v1/members/", content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {raw}", data={
        "full_name": "Ngô Văn Mới", "date_of_birth": "1990-01-01", "gender": "M", "citizen_id": "12",
        "admitted_on": "2015-01-01", "cell_id": world.cell1.pk})
    assert resp.status_code == 422
    body = resp.json()
    assert body["errors"][0]["field"] == "citizen_id" and body["errors"][0]["message_vi"]
    resp = client.post("/api/v1/members/", content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {raw}", data={
        "full_name": "Ngô Văn Mới", "date_of_birth": "1990-01-01", "gender": "M", "citizen_id": "001090000077",
        "admitted_on": "2015-01-01", "cell_id": world.cell4.pk})
    assert resp.status_code == 404


def test_production_settings_pass_check_deploy(tmp_path):
    import os
    import subprocess
    import sys

    # A fresh production process: none of the test run's own switches (DEBUG, async-unsafe access...).
    inherited = {k: v for k, v in os.environ.items()
                 if not k.startswith(("DJANGO_", "PARTYORG_", "DEBUG", "PYTEST"))}
    env = {**inherited, "DJANGO_SETTINGS_MODULE": "config.settings_production",
           "SECRET_KEY": "x" * 20 + "production-secret-key-with-enough-entropy-0123456789",
           "ALLOWED_HOSTS": "partyorg.example.vn", "DATABASE_URL": f"sqlite:///{tmp_path}/x.sqlite3"}
    out = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"], env=env,
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "no issues" in out.stdout
