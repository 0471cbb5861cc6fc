"""All channel-layer group names, in one place.

Group names allow only ASCII letters, digits, hyphens, underscores and periods.
"""


def area_group(code: str) -> str:
    return f"area.{code}"


def user_group(user_id: int) -> str:
    return f"user.{user_id}"
