"""Writes that must reach the auth memos of this process at once (common/memo.py)."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from accounts.models import ApiToken, RoleAssignment, User
from accounts.scope import held_memo
from accounts.tokens import live_tokens


@receiver([post_save, post_delete], sender=RoleAssignment)
def forget_roles(sender, instance: RoleAssignment, **kwargs) -> None:
    held_memo.forget(instance.user_id)


@receiver([post_save, post_delete], sender=User)
def forget_user(sender, instance: User, **kwargs) -> None:
    # Tokens are kept by digest; a deactivated user's tokens must stop here at once.
    live_tokens.forget_where(lambda token: token.user_id == instance.pk)
    held_memo.forget(instance.pk)


@receiver([post_save, post_delete], sender=ApiToken)
def forget_token(sender, instance: ApiToken, **kwargs) -> None:
    live_tokens.forget(instance.key_hash)
