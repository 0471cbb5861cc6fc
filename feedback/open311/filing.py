"""POST requests.{fmt}: a form-encoded GeoReport request becomes a case.

The location is `lat`/`long`, else `address_id` (a building's id), else an
`address_string` that matches exactly one building's address (exactly, or contained in
it). The reporter, and the actor of the first timeline entry, is the api_key's account;
first and last name are kept as the contact the caller gave (`Case.contact_name`), shown
to staff marked as such and never returned by an Open311 answer. Email and phone are not
kept. `attribute[urgency]` sets the priority only through a staff account's key (the
service decides); it is always kept in the description as the caller's hint. `media`
may be uploaded (multipart); `media_url` is kept as a link in the description, never
fetched. An optional `client_id` (UUID, an extension) makes a retry return the first
request, and is the `token` of tokens/{token}.
"""

import re
import uuid
from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.scope import scope_q
from accounts.tokens import token_user
from common.errors import DomainError
from feedback import photos as photo_files
from feedback import services
from feedback.models import Case, CaseSource, Priority
from feedback.open311.catalog import attributes_of, service_of
from feedback.open311.render import Open311Error
from feedback.services import REPORTING_ROLES
from grid.models import Building

MAX_DESCRIPTION = 4000
_ATTRIBUTE = re.compile(r"^attribute\[([A-Za-z0-9_-]{1,50})\]$")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
_CJK = re.compile("[\u4e00-\u9fff]")


@dataclass
class Location:
    lon: float
    lat: float


def file_request(request: HttpRequest) -> tuple[Case, bool]:
    form = request.POST
    if any(_CONTROL.search(value) for value in form.values()):
        raise Open311Error(400, _("请求中含有控制字符。"))
    user = _api_user(form.get("api_key", ""))
    category = _service(form.get("service_code", ""))
    description, priority = _description_and_priority(form, category)
    location = _location(form, user)
    photos = _photos(request)
    try:
        return services.case_report(
            actor=user,
            client_id=_client_id(form.get("client_id", "")),
            category=category,
            description=description,
            lon=location.lon,
            lat=location.lat,
            address=form.get("address_string", "")[:200],
            priority=priority,
            photos=photos,
            contact_name=_contact_name(form.get("first_name", ""), form.get("last_name", "")),
            source=CaseSource.OPEN311,
        )
    except DomainError as error:
        raise Open311Error(403 if error.status in (401, 403) else 400, error.message) from error


def _api_user(key: str) -> User:
    if not key:
        raise Open311Error(400, _("缺少 api_key。"))
    user = token_user(key)
    if user is None:
        raise Open311Error(403, _("api_key 无效或已被吊销。"))
    return user


def _service(code: str) -> object:
    if not code:
        raise Open311Error(400, _("缺少 service_code。"))
    try:
        return service_of(code)
    except Open311Error as error:
        raise Open311Error(400, error.description) from error


def _description_and_priority(form, category) -> tuple[str, str]:
    description = form.get("description", "").strip()
    if len(description) > MAX_DESCRIPTION:
        raise Open311Error(400, _("description 最长 4000 字。"))
    answers = {m.group(1): v for k, v in form.items() if (m := _ATTRIBUTE.match(k))}
    lines, priority = [], Priority.NORMAL
    for attribute in attributes_of(category):
        key = answers.pop(attribute.code, "")
        if not key:
            if attribute.required:
                raise Open311Error(400, _("请填写属性 %(code)s。") % {"code": attribute.code})
            continue
        label = attribute.label_of(key)
        if attribute.code == "urgency":
            priority = key
        lines.append(f"{attribute.description}：{label}")
    if answers:
        raise Open311Error(400, _("未知属性：%(codes)s。") % {"codes": ", ".join(sorted(answers))})
    media_url = form.get("media_url", "")
    if media_url.startswith(("http://", "https://")):
        lines.append(_("照片链接：%(url)s") % {"url": media_url[:500]})
    return "\n".join([description, *lines]).strip(), priority


def _location(form, user: User) -> Location:
    if form.get("lat") or form.get("long"):
        try:
            lat, lon = float(form.get("lat", "")), float(form.get("long", ""))
        except ValueError:
            raise Open311Error(400, _("lat 和 long 应为数字（WGS84）。")) from None
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise Open311Error(400, _("lat 和 long 超出范围。"))
        return Location(lon, lat)
    building = _building(
        _buildings_of(user), form.get("address_id", ""), form.get("address_string", "").strip()
    )
    if building is None:
        raise Open311Error(
            400,
            _("需要位置：请提供 lat/long，或与楼栋地址唯一对应的 address_string / address_id。"),
        )
    return Location(building.location.x, building.location.y)


def _buildings_of(user: User) -> QuerySet[Building]:
    """The buildings where the key's account may report. One elsewhere is answered like
    one that does not exist (400, "需要位置"), so an address_id is no existence oracle."""
    return Building.objects.filter(scope_q(user, "grid__code", REPORTING_ROLES))


def _building(buildings: QuerySet[Building], address_id: str, address: str) -> Building | None:
    if address_id.isdigit() and len(address_id) <= 18:
        return buildings.filter(pk=int(address_id)).only("location").first()
    if not address:
        return None
    exact = buildings.filter(address=address).only("location").first()
    if exact is not None:
        return exact
    matches = list(buildings.filter(address__contains=address).only("location")[:2])
    return matches[0] if len(matches) == 1 else None


def _photos(request: HttpRequest) -> list[photo_files.PreparedPhoto]:
    files = request.FILES.getlist("media")
    if len(files) > photo_files.MAX_PHOTOS:
        raise Open311Error(400, _("最多上传 %(n)d 张照片。") % {"n": photo_files.MAX_PHOTOS})
    try:
        return [
            photo_files.prepare(f.read(photo_files.MAX_BYTES + 1), name=f.name or "media")
            for f in files
        ]
    except DomainError as error:
        raise Open311Error(400, error.message) from error


def _client_id(value: str) -> uuid.UUID:
    if not value:
        return uuid.uuid4()
    try:
        return uuid.UUID(value)
    except ValueError:
        raise Open311Error(400, _("client_id 应为 UUID。")) from None


def _contact_name(first: str, last: str) -> str:
    first, last = first.strip(), last.strip()
    if _CJK.search(first + last):
        return (last + first)[:50]  # 姓在前
    return f"{first} {last}".strip()[:50]
