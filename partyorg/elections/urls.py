from django.urls import path

from . import views

app_name = "elections"
urlpatterns = [
    path("", views.home, name="home"),
    path("new/", views.congress_new, name="congress_new"),
    path("<int:congress_id>/", views.congress, name="congress"),
    path("<int:congress_id>/roll/", views.roll, name="roll"),
    path("<int:congress_id>/bodies/", views.bodies, name="bodies"),
    path("<int:congress_id>/results.xlsx", views.results_file, name="results_xlsx"),
    path("item/<int:item_id>/", views.item, name="item"),
    path("item/<int:item_id>/minutes.docx", views.item_minutes, {"fmt": "docx"}, name="minutes_docx"),
    path("item/<int:item_id>/minutes.pdf", views.item_minutes, {"fmt": "pdf"}, name="minutes_pdf"),
    path("round/<int:round_id>/", views.round_view, name="round"),
    path("round/<int:round_id>/ballot.pdf", views.ballot_file, name="ballot_pdf"),
    path("round/<int:round_id>/counting.docx", views.counting_file, {"fmt": "docx"}, name="counting_docx"),
    path("round/<int:round_id>/counting.pdf", views.counting_file, {"fmt": "pdf"}, name="counting_pdf"),
]
