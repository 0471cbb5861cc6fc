from django.urls import path

from opinions import views

app_name = "opinions"

urlpatterns = [
    path("topic/<int:pk>/", views.topic_map, name="topic"),
    path("topic/<int:pk>/vote/", views.vote, name="vote"),
    path("topic/<int:pk>/statements/", views.statement_add, name="statement_add"),
    path("moderation/", views.moderation, name="moderation"),
    path("moderation/<int:statement_pk>/", views.moderate, name="moderate"),
]
