from django.urls import path

from . import views

app_name = "appraisal"
urlpatterns = [
    path("", views.home, name="home"),
    path("org/<int:org_id>/open/", views.cycle_open, name="open"),
    path("org/<int:org_id>/discipline/", views.discipline, name="discipline"),
    path("org/<int:org_id>/criteria/", views.criteria, name="criteria"),
    path("org/<int:org_id>/<str:period>/", views.period, name="period"),
    path("org/<int:org_id>/<str:period>/decide/", views.decide, name="decide"),
    path("org/<int:org_id>/<str:period>/decision.docx", views.decision_file, {"fmt": "docx"}, name="decision_docx"),
    path("org/<int:org_id>/<str:period>/decision.pdf", views.decision_file, {"fmt": "pdf"}, name="decision_pdf"),
    path("org/<int:org_id>/<str:period>/rerating.docx", views.rerating_file, {"fmt": "docx"}, name="rerating_docx"),
    path("org/<int:org_id>/<str:period>/rerating.pdf", views.rerating_file, {"fmt": "pdf"}, name="rerating_pdf"),
    path("org/<int:org_id>/<str:period>/records.xlsx", views.records_file, name="records_xlsx"),
    path("org/<int:org_id>/<str:period>/stats/", views.stats, name="stats"),
    path("org/<int:org_id>/<str:period>/stats.xlsx", views.stats_file, {"fmt": "xlsx"}, name="stats_xlsx"),
    path("org/<int:org_id>/<str:period>/stats.docx", views.stats_file, {"fmt": "docx"}, name="stats_docx"),
    path("<str:period>/member/<int:member_id>/", views.subject, name="member_subject"),
    path("<str:period>/unit/<int:unit_id>/<str:body>/", views.subject, name="unit_subject"),
]
