"""All channel-layer group names, in one place.

Group names allow only ASCII letters, digits, hyphens, underscores and periods. Which
groups an event goes to, and which a socket may join, is decided by the domains' access
policies (e.g. feedback.access); these functions only spell the names.
"""

import hashlib

AREA_CODE_LENGTHS = (6, 9, 12, 15)


def codes_upwards(code: str) -> list[str]:
    """An area code and the codes of every area above it (grid → … → district)."""
    return [code[:n] for n in AREA_CODE_LENGTHS if n <= len(code)]


def staff_group(code: str) -> str:
    """The area staff (grid workers, clerks, supervisors, administrators) of one area."""
    return f"staff.{code}"


def staff_groups_upwards(code: str) -> list[str]:
    """The staff groups of an area and of each area above it (grid → … → district)."""
    return [staff_group(above) for above in codes_upwards(code)]


def area_group(code: str) -> str:
    """Everyone who lives or works in an area: news meant for the whole area (notices,
    consultation topics), never a case's moves."""
    return f"area.{code}"


def area_groups_upwards(code: str) -> list[str]:
    """The area groups of an area and of each area above it."""
    return [area_group(above) for above in codes_upwards(code)]


def area_audience(code: str) -> list[str]:
    """Who receives news meant for an area (a notice, a topic, a ballot, an opinion
    map): `area.<code>`, which everyone who belongs to the area joins, its own staff
    included, and the staff of every area strictly above it. No group twice, so no
    socket receives an event twice."""
    return [area_group(code)] + [staff_group(above) for above in codes_upwards(code)[:-1]]


def department_group(department_id: int, code: str) -> str:
    """A department's handlers whose role lies over the area `code`."""
    return f"dept.{department_id}.{code}"


def department_groups_upwards(department_id: int, code: str) -> list[str]:
    return [department_group(department_id, above) for above in codes_upwards(code)]


def user_group(user_id: int) -> str:
    """One person's own events (their cases, their notifications)."""
    return f"user.{user_id}"


def session_group(session_key: str) -> str:
    """The sockets opened under one login session: told to close when it ends. Hashed,
    so the session key itself never travels through the channel layer."""
    return f"session.{hashlib.sha256(session_key.encode()).hexdigest()[:32]}"
