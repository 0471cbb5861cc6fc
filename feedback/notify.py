"""Who finds a case event in their inbox, and in which words (settings.NOTIFICATION_SOURCES
and NOTIFICATION_TEXTS name this module; notifications.projector calls it with batches
of outbox events, long after the request that wrote them).

- the reporter and the followers: every change of their case's state; a closed case
  asks the reporter for a rating, which also goes out by SMS;
- grid workers over the case's grid: a new case; a handled case to verify;
- handlers of the case's department over its area: dispatched to them; failed
  verification (back to them);
- clerks and supervisors over the area: sent back by a department;
- supervisors over the area it was escalated to: an escalation (督办); and whoever
  holds the overdue stage: the department while dispatched, the grid worker while
  waiting for verification.

Nobody is told who may not open the case: the roles come from their grants through the
access policy (feedback.access: `holders_over`, `grant_covers`), and a person is told
only when the event's audience — fixed by the policy when the event was written —
holds their group, so a hidden or sensitive case reaches no one else. The actor is never
told of their own action. Texts carry the case number and the category's name, no
personal data.
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from accounts.scope import Held
from feedback.access import grant_covers, grant_group, holders_over
from feedback.models import Case, CaseEntry, CaseFollower, CaseState, Category
from notifications.sources import NotificationSpec
from realtime.groups import user_group
from realtime.models import Event

RATE_REQUEST = "case.rate_request"
# timeline action → what the reporter and followers are told
PERSONAL = {
    "register": "case.registered",
    "reject": "case.rejected",
    "dispatch": "case.dispatched",
    "handle": "case.handled",
    "verify_fail": "case.reworked",
    "verify_pass": "case.closed",
    "send_back": "case.redispatching",
    "merge": "case.merged",
    "withdraw": "case.withdrawn",
    "reopen": "case.reopened",
}


@dataclass(frozen=True)
class StaffRule:
    action: str
    roles: tuple[str, ...]
    kind: str
    states: tuple[str, ...] = ()  # only while the case is in one of these (empty: any)
    at_target: bool = False  # over the area it was escalated to, not the case's grid


STAFF_RULES = (
    StaffRule("report", (Role.GRID_WORKER,), "case.new_in_grid"),
    StaffRule("handle", (Role.GRID_WORKER,), "case.to_verify"),
    StaffRule("dispatch", (Role.HANDLER,), "case.to_handle"),
    StaffRule("verify_fail", (Role.HANDLER,), "case.to_rework"),
    StaffRule("send_back", (Role.CLERK, Role.SUPERVISOR), "case.sent_back"),
    StaffRule("escalate", (Role.SUPERVISOR,), "case.escalated", at_target=True),
    StaffRule("escalate", (Role.HANDLER,), "case.escalated", (CaseState.DISPATCHED,)),
    StaffRule("escalate", (Role.GRID_WORKER,), "case.escalated", (CaseState.HANDLED,)),
)
STAFF_ROLES = tuple({role for rule in STAFF_RULES for role in rule.roles})

TEXTS = {
    "case.registered": _("事件 %(number)s（%(category)s）已立案，等待派遣。"),
    "case.rejected": _("事件 %(number)s（%(category)s）不予立案，理由见事件详情。"),
    "case.dispatched": _("事件 %(number)s（%(category)s）已派遣给职能部门处置。"),
    "case.handled": _("事件 %(number)s（%(category)s）已处置，等待网格员核查。"),
    "case.reworked": _("事件 %(number)s（%(category)s）核查未通过，已退回部门重新处置。"),
    "case.closed": _("事件 %(number)s（%(category)s）已结案。"),
    RATE_REQUEST: _("您反映的事件 %(number)s（%(category)s）已结案，请对办理结果进行评价。"),
    "case.redispatching": _("事件 %(number)s（%(category)s）由职能部门退回，正在重新派遣。"),
    "case.merged": _(
        "事件 %(number)s（%(category)s）与事件 %(master)s 反映的是同一问题，已合并办理。"
    ),
    "case.withdrawn": _("事件 %(number)s（%(category)s）已由反映人撤回。"),
    "case.reopened": _("事件 %(number)s（%(category)s）已重新办理。"),
    "case.new_in_grid": _("您的网格有新上报的事件 %(number)s（%(category)s）。"),
    "case.to_verify": _("事件 %(number)s（%(category)s）已处置，请您核查。"),
    "case.to_handle": _("事件 %(number)s（%(category)s）已派遣给本部门，请按时处置。"),
    "case.to_rework": _("事件 %(number)s（%(category)s）核查未通过，请重新处置。"),
    "case.sent_back": _("事件 %(number)s（%(category)s）被职能部门退回，请重新派遣。"),
    "case.escalated": _("事件 %(number)s（%(category)s）已超期，第 %(level)s 次督办。"),
}


@dataclass
class Facts:
    """What a batch of case events needs from the database, read in a few queries."""

    reporters: dict[int, int | None]
    followers: dict[int, set[int]]
    entries: dict[tuple[int, int], tuple[int | None, dict]]  # (case, seq) → actor, data
    categories: dict[str, str]
    holders: list[tuple[int, Held]]


def case_notifications(events: Sequence[Event]) -> list[NotificationSpec]:
    """The notifications of the case events among `events`."""
    events = [e for e in events if e.kind.startswith("case.") and e.payload.get("case")]
    if not events:
        return []
    facts = _facts(events)
    return [spec for event in events for spec in _event_specs(event, facts)]


def _facts(events: list[Event]) -> Facts:
    case_ids = {e.payload["case"] for e in events}
    followers: dict[int, set[int]] = defaultdict(set)
    for case_id, user_id in CaseFollower.objects.filter(case_id__in=case_ids).values_list(
        "case_id", "user_id"
    ):
        followers[case_id].add(user_id)
    entries = CaseEntry.objects.filter(
        case_id__in=case_ids, seq__in={e.payload["seq"] for e in events}
    ).values_list("case_id", "seq", "actor_id", "data")
    codes = {e.payload["category"] for e in events}
    return Facts(
        reporters=dict(Case.objects.filter(pk__in=case_ids).values_list("pk", "reporter_id")),
        followers=followers,
        entries={(case, seq): (actor, data) for case, seq, actor, data in entries},
        categories=dict(Category.objects.filter(code__in=codes).values_list("code", "name")),
        holders=holders_over({e.payload["grid"] for e in events}, STAFF_ROLES),
    )


def _event_specs(event: Event, facts: Facts) -> list[NotificationSpec]:
    p = event.payload
    action, case_id = p["action"], p["case"]
    actor, data = facts.entries.get((case_id, p["seq"]), (None, {}))
    params = {"number": p["number"], "category": facts.categories.get(p["category"], "")}
    linked = case_id
    if action == "merge":  # the reporter now follows the master: its page shows progress
        params["master"], linked = data.get("master_number", ""), data.get("master", case_id)
    if action == "escalate":
        params["level"] = p["escalation_level"]
    link = reverse("feedback:detail", args=[linked])

    def spec(users: set[int], kind: str, outside: bool = False) -> NotificationSpec:
        return NotificationSpec(event, frozenset(users - {actor}), kind, params, link, outside)

    audience = set(event.audience)
    specs = []
    if action in PERSONAL:
        people = {facts.reporters.get(case_id), *facts.followers.get(case_id, ())} - {None}
        people = {uid for uid in people if user_group(uid) in audience}
        reporter = facts.reporters.get(case_id)
        if action == "verify_pass" and reporter in people:
            specs.append(spec({reporter}, RATE_REQUEST, outside=True))
            people.discard(reporter)
        specs.append(spec(people, PERSONAL[action]))
    for rule in STAFF_RULES:
        if rule.action == action and (not rule.states or p["state"] in rule.states):
            area = data.get("to", p["grid"]) if rule.at_target else p["grid"]
            specs.append(spec(_staff(rule, area, p["department"], audience, facts), rule.kind))
    return specs


def _staff(
    rule: StaffRule, area: str, department: int | None, audience: set[str], facts: Facts
) -> set[int]:
    return {
        user_id
        for user_id, grant in facts.holders
        if grant.role in rule.roles
        and grant_covers(grant, area, department)
        and grant_group(grant) in audience
    }
