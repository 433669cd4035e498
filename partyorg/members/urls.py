from django.urls import path

from . import views

app_name = "members"
urlpatterns = [
    path("", views.member_list, name="list"),
    path("export.xlsx", views.member_export, name="export"),
    path("new/", views.member_create, name="create"),
    path("<int:member_id>/", views.member_detail, name="detail"),
    path("<int:member_id>/edit/", views.member_edit, name="edit"),
    path("<int:member_id>/status/", views.member_status, name="status"),
    path("<int:member_id>/transfer/", views.member_transfer, name="transfer"),
    path("<int:member_id>/position/", views.member_position, name="position"),
    path("<int:member_id>/letter/", views.member_letter_issue, name="letter_issue"),
    path("letters/", views.letter_list, name="letters"),
    path("letters/<int:letter_id>/", views.letter_detail, name="letter"),
]
