from django.urls import path

from hireloop.web import views

urlpatterns = [
    path("", views.home, name="home"),
]
