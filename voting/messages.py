"""The voter's words for what the tally engine refuses (voting.tally.SelectionError and
voting.rules.validate_rules name the rule; these say it in the UI language)."""

from django.utils.translation import gettext as _

from voting.tally import SelectionError


def selection_message(refused: SelectionError) -> str:
    p = refused.params
    messages = {
        "duplicate": _("同一选项不能选两次。"),
        "unknown_option": _("所选选项不属于本次表决。"),
        "exactly_one": _("请选择一项。"),
        "rank_at_least_one": _("请至少排列一个选项。"),
        "duplicate_option": _("选项不能重复。"),
        "yes_no_options": _("赞成/反对/弃权表决的选项是固定的。"),
        "two_options": _("请至少设置两个选项。"),
        "budget_positive": _("预算和每个选项的费用都必须大于零。"),
    }
    if refused.code == "choice_count":
        return _("请选择%(min)d至%(max)d项。") % p
    if refused.code == "over_budget":
        return _("所选项目合计%(cost)d元，超出预算%(budget)d元。") % p
    if refused.code == "choice_bounds":
        return _("可选项数须在1到选项总数（%(options)d）之间。") % p
    if refused.code == "nothing_fits":
        return _("没有一个选项的费用在预算%(budget)d元之内。") % p
    return messages.get(refused.code, _("选择无效。"))


def rules_message(code: str) -> str:
    if code == "threshold_required":
        return _("赞成/反对表决和多选表决必须设定通过比例。")
    return _("表决规则无效。")
