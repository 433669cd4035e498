#!/usr/bin/env bash
# Cài đặt, tạo CSDL SQLite, nạp dữ liệu mẫu và chạy PartyOrg tại http://127.0.0.1:8000
# Installs everything, creates the SQLite database, loads the demo data and serves the app.
set -euo pipefail
cd "$(dirname "$0")"
bash scripts/install_system_packages.sh
bash scripts/bootstrap.sh
export PARTYORG_REQUIRE_2FA=${PARTYORG_REQUIRE_2FA:-0}   # demo only: staff 2FA off
export DEBUG=${DEBUG:-1}
.venv/bin/python manage.py migrate --noinput -v0
.venv/bin/python manage.py compilemessages -v0 --ignore=.venv 2>/dev/null || true
.venv/bin/python manage.py load_demo --if-empty
.venv/bin/python manage.py demo_logins
echo "PartyOrg: http://${PORT:-127.0.0.1:8000}"
exec .venv/bin/python manage.py runserver "${PORT:-127.0.0.1:8000}"
