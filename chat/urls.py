from django.urls import path

from . import views

app_name = "chat"

urlpatterns = [
    path("whatsapp/", views.whatsapp_webhook, name="whatsapp"),
    path("telegram/", views.telegram_webhook, name="telegram"),
]
