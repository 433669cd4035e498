"""Celery app. With no REDIS_URL the tasks run inline (eager), which is the embedded default."""
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("partyorg")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
