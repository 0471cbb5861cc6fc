"""Writes that must reach the category memo of this process at once (common/memo.py)."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from feedback.catalog import leaves
from feedback.models import Category


@receiver([post_save, post_delete], sender=Category)
def forget_categories(sender, instance: Category, **kwargs) -> None:
    leaves.forget()
