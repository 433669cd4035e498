from django.urls import path

from . import views

app_name = "ballots"
urlpatterns = [
    path("<int:box_id>/vote/", views.vote, name="vote"),
    path("<int:box_id>/kiosk/", views.kiosk, name="kiosk"),
    path("<int:box_id>/kiosk/codes/", views.kiosk_codes, name="kiosk_codes"),
    path("<int:box_id>/receipt/", views.receipt_check, name="receipt"),
    path("<int:box_id>/published/", views.published, name="published"),
    path("<int:box_id>/entry/", views.entry, name="entry"),
    path("<int:box_id>/entry/<int:paper_no>/resolve/", views.resolve, name="resolve"),
]
