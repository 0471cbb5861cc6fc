from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import views, views_registration, views_security

app_name = "accounts"

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "login/",
        auth_views.LoginView.as_view(template_name="accounts/login.html"),
        name="login",
    ),
    path("logout/", views_security.LogoutView.as_view(), name="logout"),
    path("login/otp/", views_security.otp_verify, name="otp_verify"),
    path("login/otp/setup/", views_security.otp_setup, name="otp_setup"),
    path("account/tokens/", views_security.tokens, name="tokens"),
    path("account/tokens/<int:pk>/revoke/", views_security.token_revoke, name="token_revoke"),
    path("register/", views_registration.register, name="register"),
    path("register/verify/", views_registration.register_verify, name="register_verify"),
    path("register/status/", views_registration.register_status, name="register_status"),
    path("registrations/", views_registration.registration_list, name="registration_list"),
    path(
        "registrations/<int:pk>/",
        views_registration.registration_detail,
        name="registration_detail",
    ),
]
