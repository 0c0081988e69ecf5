from django.urls import include, path

from hireloop.web import views

urlpatterns = [
    path("", views.home, name="home"),
    path("r/", include("hireloop.references.urls")),
    path("careers/<slug:slug>/", views.careers, name="careers"),
    path("careers/<slug:slug>/jobs/<str:alias>", views.careers_job, name="careers-job"),
    path("app/candidates/<str:alias>", views.backoffice_candidate, name="backoffice-candidate"),
    path("app/jobs/<str:alias>/pipeline", views.backoffice_pipeline, name="backoffice-pipeline"),
    path(
        "app/jobs/<str:job_alias>/candidates/<str:candidate_alias>",
        views.backoffice_application,
        name="backoffice-application",
    ),
]
