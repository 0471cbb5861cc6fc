"""The words the map pages' scripts show, in the user's language (the scripts hold no text
of their own: Chinese by default, English through the same catalogue as the pages)."""

from django.utils.translation import gettext as _


def page_texts() -> dict:
    return {
        "open_case": _("查看事件"),
        "open_page": _("在新页面打开"),
        "open_topic": _("查看议题"),
        "topic_badge": _("议"),
        "report_here": _("上报位置"),
        "point": _("位置：%(lat)s, %(lon)s"),
        "photos_chosen": _("已选 %(n)s 张"),
        "report_incomplete": _("请选择问题类别并填写问题描述。"),
        "kind_building": _("楼栋"),
        "kind_area": _("区域"),
        "kind_place": _("地名"),
        "gps_unsupported": _("此浏览器不支持定位，请直接在地图上点选位置。"),
        "gps_insecure": _("定位需要安全连接（HTTPS），请直接在地图上点选位置。"),
        "gps_locating": _("正在定位……"),
        "gps_found": _("已定位，精度约 %(m)s 米。"),
        "gps_denied": _(
            "您拒绝了位置权限。可在浏览器设置中允许本网站使用位置，或直接在地图上点选。"
        ),
        "gps_failed": _("暂时无法获取位置，请稍后再试，或直接在地图上点选。"),
        "workers": _("网格员"),
        "none": _("无"),
        "no_cases": _("该网格没有符合条件的事件。"),
        "checking": _("正在检查覆盖和重叠……"),
        "check_ok": _("检查通过：与相邻网格无重叠，且在所属社区范围内。"),
        "check_overlap": _("与 %(name)s（%(code)s）重叠约 %(m2)s ㎡"),
        "check_outside": _("超出所属社区约 %(m2)s ㎡"),
        "check_uncovered": _("社区未覆盖比例：%(share)s"),
        "saved": _("边界已保存。"),
        "edit_boundary": _("编辑边界"),
        "unsaved": _("边界有未保存的修改。"),
    }
