"""Users, roles scoped by area code, departments, tokens and resident self-registration."""

import datetime as dt

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from common.models import TimeStampedModel
from common.personal_data import EncryptedTextField


class Role(models.TextChoices):
    RESIDENT = "resident", _("居民")
    GRID_WORKER = "grid_worker", _("网格员")
    CLERK = "clerk", _("综合窗口工作人员")
    HANDLER = "handler", _("职能部门")
    SUPERVISOR = "supervisor", _("指挥中心")
    ADMIN = "admin", _("管理员")


class User(AbstractUser):
    display_name = models.CharField(_("显示名"), max_length=50, blank=True)
    phone = EncryptedTextField(_("电话"), blank=True)
    phone_hash = models.CharField(max_length=64, blank=True, db_index=True)
    resident = models.OneToOneField(
        "grid.Resident",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="user",
        verbose_name=_("居民档案"),
    )

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        constraints = [
            # One account per phone: residents log in with it (accounts.backends).
            models.UniqueConstraint(
                fields=["phone_hash"], condition=~Q(phone_hash=""), name="user_phone_once"
            ),
        ]

    def __str__(self) -> str:
        return self.display_name or self.username


class Department(TimeStampedModel):
    code = models.CharField(_("编码"), max_length=30, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    area = models.ForeignKey(
        "grid.Area", models.PROTECT, related_name="departments", verbose_name=_("服务区域")
    )

    class Meta:
        verbose_name = _("职能部门")
        verbose_name_plural = _("职能部门")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class RoleAssignment(TimeStampedModel):
    """A role held over an area node: the user's scope is everything whose code starts
    with the area's code."""

    user = models.ForeignKey(User, models.CASCADE, related_name="roles", verbose_name=_("用户"))
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices)
    area = models.ForeignKey(
        "grid.Area", models.PROTECT, related_name="role_assignments", verbose_name=_("区域")
    )
    department = models.ForeignKey(
        Department,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("部门"),
    )

    class Meta:
        verbose_name = _("角色授权")
        verbose_name_plural = _("角色授权")
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "area"], name="role_once_per_area"),
            models.CheckConstraint(
                name="handler_has_department",
                condition=~Q(role="handler") | Q(department__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.area_id}"


def token_expiry() -> dt.datetime:
    """When a token issued now stops working (settings.API_TOKEN_DAYS)."""
    return timezone.now() + dt.timedelta(days=settings.API_TOKEN_DAYS)


class ApiToken(models.Model):
    """Bearer token for phones; only its SHA-256 is stored."""

    user = models.ForeignKey(User, models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    label = models.CharField(_("设备名称"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("签发时间"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    expires_at = models.DateTimeField(_("到期时间"), default=token_expiry)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")

    def __str__(self) -> str:
        return f"{self.user} · {self.label or self.pk}"


class OneTimeCode(models.Model):
    """An SMS code for a phone; stored hashed, single use, few attempts."""

    phone_hash = models.CharField(max_length=64, db_index=True)
    code_hash = models.CharField(max_length=64)
    purpose = models.CharField(max_length=20, default="register")
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.purpose} · {self.created_at:%Y-%m-%d %H:%M}"


class RegistrationStatus(models.TextChoices):
    PENDING = "pending", _("待审核")
    APPROVED = "approved", _("已通过")
    REJECTED = "rejected", _("已驳回")


class RegistrationRequest(TimeStampedModel):
    """A resident whose name and ID number matched no household record: community staff
    decide."""

    user = models.OneToOneField(
        User, models.CASCADE, related_name="registration_request", verbose_name=_("用户")
    )
    name = models.CharField(_("姓名"), max_length=50)
    id_number = EncryptedTextField(_("身份证号"))
    id_number_hash = models.CharField(max_length=64, db_index=True)
    community = models.ForeignKey(
        "grid.Area",
        models.PROTECT,
        related_name="registration_requests",
        verbose_name=_("所在社区"),
    )
    address = models.CharField(_("住址"), max_length=200)
    status = models.CharField(
        _("状态"),
        max_length=10,
        choices=RegistrationStatus.choices,
        default=RegistrationStatus.PENDING,
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(_("审核意见"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("居民注册申请")
        verbose_name_plural = _("居民注册申请")
        ordering = ["-created_at"]


class SecurityEventKind(models.TextChoices):
    LOGIN = "login", _("登录成功")
    LOGIN_FAILED = "login_failed", _("登录失败")
    LOCKOUT = "lockout", _("账号锁定")
    LOGOUT = "logout", _("退出登录")
    TOKEN_ISSUED = "token_issued", _("签发令牌")
    TOKEN_REVOKED = "token_revoked", _("吊销令牌")
    OTP_ENROLLED = "otp_enrolled", _("绑定动态口令")
    OTP_FAILED = "otp_failed", _("动态口令错误")
    ROLE_GRANTED = "role_granted", _("授予角色")
    ROLE_REMOVED = "role_removed", _("撤销角色")
    REVEAL = "reveal", _("查看完整个人信息")
    EXPORT = "export", _("导出数据")


class SecurityEvent(models.Model):
    """One line of the security audit log (accounts.audit.security_log writes it).

    `username` keeps what was typed or who it was, so a failure for an unknown name and
    the events of a since deleted user still say whom they were about."""

    kind = models.CharField(_("事件"), max_length=20, choices=SecurityEventKind.choices)
    user = models.ForeignKey(
        User,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="security_events",
        verbose_name=_("用户"),
    )
    username = models.CharField(_("用户名"), max_length=150, blank=True)
    ip_address = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)
    user_agent = models.CharField(_("客户端"), max_length=300, blank=True)
    details = models.JSONField(_("详情"), default=dict, blank=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("安全日志")
        verbose_name_plural = _("安全日志")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.username} · {self.created_at:%Y-%m-%d %H:%M}"


# --- the sign-in packages' records, named in Chinese for the admin ------------------------
# django-axes and django-otp name their models in English only (otp's names are not even
# translatable); proxies give the admin Chinese names without touching their tables.


class LoginAttempt(AccessAttempt):
    class Meta:
        proxy = True
        verbose_name = _("登录失败计数")
        verbose_name_plural = _("登录失败计数（解锁在此）")


class LoginRecord(AccessLog):
    class Meta:
        proxy = True
        verbose_name = _("登录记录")
        verbose_name_plural = _("登录记录")


class LoginFailure(AccessFailureLog):
    class Meta:
        proxy = True
        verbose_name = _("登录失败记录")
        verbose_name_plural = _("登录失败记录")


class TwoFactorDevice(TOTPDevice):
    class Meta:
        proxy = True
        verbose_name = _("动态口令设备")
        verbose_name_plural = _("动态口令设备")
