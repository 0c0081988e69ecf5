"""Public pages of reference checks, mounted at /r/."""

from django.urls import path

from hireloop.references import views

app_name = "references"

urlpatterns = [
    path("c/<str:token>/", views.candidate_page, name="candidate"),
    path("q/<str:token>/", views.questionnaire, name="questionnaire"),
    path("q/<str:token>/decline/", views.decline, name="decline"),
    path("v/<str:token>/", views.verify, name="verify"),
]
