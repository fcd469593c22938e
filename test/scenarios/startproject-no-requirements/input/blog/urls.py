"""URL routes of the blog project: only the admin so far, as a fresh startproject has."""
from django.contrib import admin
from django.urls import path

urlpatterns = [
    path('admin/', admin.site.urls),
]
