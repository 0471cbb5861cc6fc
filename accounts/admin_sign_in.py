"""The sign-in packages' admin pages under Chinese names (the proxies in accounts.models):
django-axes' lockout counters (deleting one unlocks the account) and logs, and django-otp's
TOTP devices (deleting one makes its user enrol again at the next sign-in)."""

from axes.admin import AccessAttemptAdmin, AccessFailureLogAdmin, AccessLogAdmin
from django.contrib import admin
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import LoginAttempt, LoginFailure, LoginRecord, TwoFactorDevice

admin.site.register(LoginAttempt, AccessAttemptAdmin)
admin.site.register(LoginRecord, AccessLogAdmin)
admin.site.register(LoginFailure, AccessFailureLogAdmin)
if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)
admin.site.register(TwoFactorDevice, TOTPDeviceAdmin)
