from django.urls import path

from . import views

app_name = "confidence"
urlpatterns = [
    path("", views.home, name="home"),
    path("new/", views.create, name="create"),
    path("cases/", views.cases, name="cases"),
    path("cases/<int:case_id>/", views.case, name="case"),
    path("stats/", views.stats, name="stats"),
    path("<int:conference_id>/", views.detail, name="detail"),
    path("<int:conference_id>/edit/", views.edit, name="edit"),
    path("<int:conference_id>/subjects/", views.subjects, name="subjects"),
    path("<int:conference_id>/subjects/<int:subject_id>/", views.subject, name="subject"),
    path("<int:conference_id>/roster/", views.roster, name="roster"),
    path("<int:conference_id>/committee/", views.committee, name="committee"),
    path("<int:conference_id>/voting/", views.voting, name="voting"),
    path("<int:conference_id>/ballot.pdf", views.ballot_pdf, name="ballot_pdf"),
    path("<int:conference_id>/results/", views.results, name="results"),
    path("<int:conference_id>/results.xlsx", views.results_xlsx, name="results_xlsx"),
    path("<int:conference_id>/minutes.docx", views.minutes_docx, name="minutes_docx"),
    path("<int:conference_id>/minutes.pdf", views.minutes_pdf, name="minutes_pdf"),
    path("<int:conference_id>/report.docx", views.report_docx, name="report_docx"),
    path("<int:conference_id>/report.pdf", views.report_pdf, name="report_pdf"),
]
