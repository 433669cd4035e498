#!/usr/bin/env python3
"""Django's command-line utility for PartyOrg."""
import os
import sys
from pathlib import Path


def _reexec_in_venv() -> None:
    """Run under the project's virtual environment when called with another interpreter."""
    venv_python = Path(__file__).resolve().parent / ".venv" / "bin" / "python"
    if venv_python.exists() and Path(sys.prefix).resolve() != venv_python.parent.parent.resolve():
        os.execv(str(venv_python), [str(venv_python), *sys.argv])


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    try:
        import django  # noqa: F401
    except ImportError:
        _reexec_in_venv()
        raise
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
