from django.urls import path

from . import views

app_name = "organizations"
urlpatterns = [
    path("", views.tree, name="tree"),
    path("search/", views.search, name="search"),
    path("<int:org_id>/", views.detail, name="detail"),
    path("<int:org_id>/children/", views.children, name="children"),
    path("<int:org_id>/as-of/", views.as_of, name="as_of"),
    path("<int:org_id>/new/", views.create_child, name="create_child"),
    path("<int:org_id>/rename/", views.rename, name="rename"),
    path("<int:org_id>/move/", views.move, name="move"),
    path("<int:org_id>/merge/", views.merge, name="merge"),
    path("<int:org_id>/dissolve/", views.dissolve, name="dissolve"),
]
