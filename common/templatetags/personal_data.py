"""`{{ text|mask_personal }}`: free text on a public page with ID and mobile numbers masked."""

from django import template

from common.personal_data import mask_free_text

register = template.Library()


@register.filter
def mask_personal(text: str) -> str:
    return mask_free_text(text or "")
