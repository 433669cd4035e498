"""The active language for texts that come as a Vietnamese + English pair (errors, domain messages)."""
from __future__ import annotations

from django.utils.translation import get_language


def english() -> bool:
    return (get_language() or "vi").startswith("en")


def pick(message_vi: str, message_en: str) -> str:
    """The half of a bilingual pair for the active language (Vietnamese when no English is given)."""
    return message_en if english() and message_en else message_vi
