from django.urls import path

from voting import views, views_create, views_results, views_roster

app_name = "voting"

urlpatterns = [
    path("new/<int:topic_pk>/", views_create.ballot_new, name="new"),
    path("representatives/", views_roster.roster_page, name="roster"),
    path("representatives/add/", views_roster.roster_add, name="roster_add"),
    path("representatives/<int:pk>/end/", views_roster.roster_end, name="roster_end"),
    path("<int:pk>/", views.ballot_page, name="ballot"),
    path("<int:pk>/cast/", views.ballot_cast, name="cast"),
    path("<int:pk>/change/", views.ballot_change, name="change"),
    path("<int:pk>/receipt/", views.receipt_check, name="receipt"),
    path("<int:pk>/open/", views.ballot_open, name="open"),
    path("<int:pk>/close/", views.ballot_close, name="close"),
    path("<int:pk>/publish/", views.ballot_publish, name="publish"),
    path("<int:pk>/meeting/", views.meeting_enter, name="meeting"),
    path("<int:pk>/meeting/sign-off/", views.meeting_sign_off, name="sign_off"),
    path("<int:pk>/results/", views_results.results_page, name="results"),
    path("<int:pk>/results.xlsx", views_results.results_export, name="export"),
    path("<int:pk>/notice/", views_results.results_notice, name="notice"),
]
