"""The community grid and the resident base data (基础人口数据).

Area codes follow CJ/T 213 in spirit: a 6-digit administrative-division code for the
district, then 3 digits each for street, community and grid, so "everything under X" is a
prefix query on `code`.
"""

from django.conf import settings
from django.contrib.gis.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from common.models import TimeStampedModel
from common.personal_data import EncryptedTextField

models.CharField.register_lookup(Length)


class AreaLevel(models.IntegerChoices):
    DISTRICT = 1, _("区")
    STREET = 2, _("街道")
    COMMUNITY = 3, _("社区")
    GRID = 4, _("网格")


CODE_LENGTH = {
    AreaLevel.DISTRICT: 6,
    AreaLevel.STREET: 9,
    AreaLevel.COMMUNITY: 12,
    AreaLevel.GRID: 15,
}


class Area(TimeStampedModel):
    code = models.CharField(_("编码"), max_length=15, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    level = models.PositiveSmallIntegerField(_("层级"), choices=AreaLevel.choices)
    parent = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("上级"),
    )
    boundary = models.MultiPolygonField(_("边界"), srid=4326)

    class Meta:
        verbose_name = _("区域")
        verbose_name_plural = _("区域")
        ordering = ["code"]
        indexes = [models.Index(fields=["level", "code"])]
        constraints = [
            models.CheckConstraint(
                name="area_code_matches_level",
                condition=(
                    Q(level=AreaLevel.DISTRICT, code__length=6, parent__isnull=True)
                    | Q(level=AreaLevel.STREET, code__length=9, parent__isnull=False)
                    | Q(level=AreaLevel.COMMUNITY, code__length=12, parent__isnull=False)
                    | Q(level=AreaLevel.GRID, code__length=15, parent__isnull=False)
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"

    @property
    def full_name(self) -> str:
        """A grid's own name (第三网格) is only unique within its community, so lists and
        exports name it with the community (幸福里社区第三网格)."""
        if self.level == AreaLevel.GRID and self.parent is not None:
            return self.parent.name + self.name
        return self.name


class Building(TimeStampedModel):
    address = models.CharField(_("地址"), max_length=200, unique=True)
    name = models.CharField(_("楼栋名称"), max_length=100, blank=True)
    grid = models.ForeignKey(
        Area,
        models.PROTECT,
        related_name="buildings",
        verbose_name=_("网格"),
        limit_choices_to={"level": AreaLevel.GRID},
    )
    location = models.PointField(_("位置"), srid=4326)
    footprint = models.PolygonField(_("轮廓"), srid=4326, null=True, blank=True)
    floors = models.PositiveSmallIntegerField(_("层数"), null=True, blank=True)

    class Meta:
        verbose_name = _("楼栋")
        verbose_name_plural = _("楼栋")
        ordering = ["address"]

    def __str__(self) -> str:
        return self.name or self.address


class Household(TimeStampedModel):
    building = models.ForeignKey(
        Building, models.PROTECT, related_name="households", verbose_name=_("楼栋")
    )
    room = models.CharField(_("单元/门牌"), max_length=50)

    class Meta:
        verbose_name = _("户")
        verbose_name_plural = _("户")
        ordering = ["building_id", "room"]
        constraints = [
            models.UniqueConstraint(fields=["building", "room"], name="household_unique_room"),
        ]

    def __str__(self) -> str:
        return f"{self.building.address} {self.room}"


class Gender(models.TextChoices):
    MALE = "M", _("男")
    FEMALE = "F", _("女")


class Relation(models.TextChoices):
    SELF = "self", _("户主")
    SPOUSE = "spouse", _("配偶")
    CHILD = "child", _("子女")
    PARENT = "parent", _("父母")
    GRANDCHILD = "grandchild", _("孙子女")
    SIBLING = "sibling", _("兄弟姐妹")
    OTHER = "other", _("其他")


class ResidentStatus(models.TextChoices):
    PRESENT = "present", _("在住")
    MOVED_OUT = "moved_out", _("已迁出")
    DECEASED = "deceased", _("已故")


class Resident(TimeStampedModel):
    household = models.ForeignKey(
        Household, models.PROTECT, related_name="members", verbose_name=_("户")
    )
    name = models.CharField(_("姓名"), max_length=50)
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices)
    birth_date = models.DateField(_("出生日期"), null=True, blank=True)
    id_number = EncryptedTextField(_("身份证号"), blank=True)
    id_number_hash = models.CharField(max_length=64, null=True, blank=True, unique=True)
    phone = EncryptedTextField(_("电话"), blank=True)
    phone_hash = models.CharField(max_length=64, blank=True, db_index=True)
    relation = models.CharField(_("与户主关系"), max_length=12, choices=Relation.choices)
    status = models.CharField(
        _("状态"), max_length=12, choices=ResidentStatus.choices, default=ResidentStatus.PRESENT
    )

    class Meta:
        verbose_name = _("居民")
        verbose_name_plural = _("居民")
        ordering = ["household_id", "id"]
        permissions = [("reveal_personal_data", _("可查看完整身份证号和电话"))]
        constraints = [
            models.UniqueConstraint(
                fields=["household"],
                condition=Q(relation="self", status="present"),
                name="household_one_present_head",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class SpecialGroup(models.TextChoices):
    ELDERLY_ALONE = "elderly_alone", _("独居老人")
    DISABLED = "disabled", _("残疾人")
    LOW_INCOME = "low_income", _("低保户")
    LEFT_BEHIND_MINOR = "left_behind_minor", _("留守儿童")
    DIFFICULT_MINOR = "difficult_minor", _("困境儿童")
    VETERAN = "veteran", _("退役军人")
    SERIOUS_ILLNESS = "serious_illness", _("重病患者")


DEFAULT_VISIT_DAYS = {
    SpecialGroup.ELDERLY_ALONE: 7,
    SpecialGroup.DISABLED: 30,
    SpecialGroup.LOW_INCOME: 30,
    SpecialGroup.LEFT_BEHIND_MINOR: 14,
    SpecialGroup.DIFFICULT_MINOR: 14,
    SpecialGroup.VETERAN: 90,
    SpecialGroup.SERIOUS_ILLNESS: 14,
}


class SpecialGroupMembership(TimeStampedModel):
    """A resident's membership of a special group: personal data, so the kind is stored
    encrypted and found through its keyed hash."""

    resident = models.ForeignKey(
        Resident, models.CASCADE, related_name="special_groups", verbose_name=_("居民")
    )
    kind = EncryptedTextField(pgettext_lazy("special group", "类别"))
    kind_hash = models.CharField(max_length=64, db_index=True)
    visit_every_days = models.PositiveSmallIntegerField(_("走访周期（天）"))
    since = models.DateField(_("认定日期"), null=True, blank=True)
    note = EncryptedTextField(_("备注"), blank=True)

    class Meta:
        verbose_name = _("特殊人群")
        verbose_name_plural = _("特殊人群")
        constraints = [
            models.UniqueConstraint(
                fields=["resident", "kind_hash"], name="special_group_once_per_kind"
            ),
            models.CheckConstraint(
                name="special_group_visit_positive", condition=Q(visit_every_days__gt=0)
            ),
        ]


class PersonalDataReveal(models.Model):
    """Audit record: who saw which personal field of whom, when and why."""

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    resident = models.ForeignKey(Resident, models.PROTECT, related_name="reveals")
    field = models.CharField(max_length=20)
    reason = models.CharField(max_length=200)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("个人信息查看记录")
        verbose_name_plural = _("个人信息查看记录")
        ordering = ["-at"]
