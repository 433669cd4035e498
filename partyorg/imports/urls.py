from django.urls import path

from . import views

app_name = "imports"
urlpatterns = [
    path("", views.home, name="home"),
    path("template/<str:kind>.xlsx", views.template, name="template"),
    path("jobs/<uuid:job_id>/", views.job, name="job"),
    path("jobs/<uuid:job_id>/confirm/", views.confirm, name="confirm"),
]
