from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import views_security

# Mounted by config/urls.py in the "accounts" namespace, with the home and registration
# pages.
urlpatterns = [
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
]
