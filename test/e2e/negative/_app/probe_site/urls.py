from django.urls import path

from hits import views

urlpatterns = [path("", views.count_visit)]
