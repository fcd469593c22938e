from django.contrib import admin
from django.urls import path

from notes import views

urlpatterns = [
    path('', views.index),
    path('notes/add/<str:text>/', views.add),
    path('admin/', admin.site.urls),
]
