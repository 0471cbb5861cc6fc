"""Reads of accounts data, scoped to the user who asks."""

from django.db.models import Q, QuerySet

from accounts.models import RegistrationRequest, RegistrationStatus, Role, User
from accounts.scope import code_prefix_q, has_role, scope_codes
from common.personal_data import keyed_hash
from grid.models import CODE_LENGTH, AreaLevel, Resident, ResidentStatus
from grid.selectors import resident_list

REVIEWER_ROLES = (Role.GRID_WORKER, Role.CLERK, Role.SUPERVISOR, Role.ADMIN)
_COMMUNITY_CODE_LENGTH = CODE_LENGTH[AreaLevel.COMMUNITY]


def can_review_registrations(user: User) -> bool:
    return user.is_authenticated and (user.is_superuser or has_role(user, *REVIEWER_ROLES))


def registration_requests_in_scope(*, user: User) -> QuerySet[RegistrationRequest]:
    """Requests for communities the user reviews: a clerk, supervisor or administrator
    those under their areas; a grid worker also those of the community of their grids
    (they know its residents)."""
    return RegistrationRequest.objects.filter(_review_scope(user))


def _review_scope(user: User) -> Q:
    if not user.is_authenticated:
        return Q(pk__in=[])
    if user.is_superuser:
        return Q()
    query = code_prefix_q("community__code", scope_codes(user, REVIEWER_ROLES))
    grid_codes = scope_codes(user, [Role.GRID_WORKER])
    communities = {code[:_COMMUNITY_CODE_LENGTH] for code in grid_codes}
    return query | Q(community__code__in=sorted(communities))


def registration_request_list(
    *, user: User, status: str | None = RegistrationStatus.PENDING
) -> QuerySet[RegistrationRequest]:
    """The user's review queue, oldest first; all statuses when `status` is None."""
    requests = registration_requests_in_scope(user=user).select_related(
        "community__parent", "decided_by"
    )
    if status:
        requests = requests.filter(status=status)
    return requests.order_by("created_at", "pk")


def registration_request_get_for_user(*, user: User, request_id: int) -> RegistrationRequest | None:
    return (
        registration_requests_in_scope(user=user)
        .select_related("community__parent", "decided_by")
        .filter(pk=request_id)
        .first()
    )


def registration_request_of(*, user: User) -> RegistrationRequest | None:
    """The applicant's own request, if they made one."""
    if not user.is_authenticated:
        return None
    return RegistrationRequest.objects.select_related("community").filter(user=user).first()


def registration_candidates(
    *, user: User, registration: RegistrationRequest, id_number: str = ""
) -> QuerySet[Resident]:
    """Present residents without an account, in the reviewer's scope, that the request
    might be: the ID number searched for (the applicant's own when none), or the
    applicant's name within the applicant's community."""
    id_hash = keyed_hash(id_number) if id_number else registration.id_number_hash
    same_name_nearby = Q(
        name=registration.name,
        household__building__grid__code__startswith=registration.community.code,
    )
    return (
        resident_list(user=user)
        .filter(Q(id_number_hash=id_hash) | same_name_nearby)
        .filter(status=ResidentStatus.PRESENT, user__isnull=True)
        .select_related("household__building__grid")
        .order_by("name", "pk")[:20]
    )
