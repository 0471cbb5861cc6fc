"""All channel-layer group names, in one place.

Group names allow only ASCII letters, digits, hyphens, underscores and periods.
"""

AREA_CODE_LENGTHS = (6, 9, 12, 15)


def area_group(code: str) -> str:
    return f"area.{code}"


def area_groups_upwards(code: str) -> list[str]:
    """The groups of an area and of each area above it (grid → community → … → district)."""
    return [area_group(code[:n]) for n in AREA_CODE_LENGTHS if n <= len(code)]


def user_group(user_id: int) -> str:
    return f"user.{user_id}"
