"""mask_free_text: ID and mobile numbers typed into free text, as people type them."""

import pytest

from common.personal_data import mask_free_text


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("身份证110105199001011234请核实", "身份证110105********1234请核实"),
        ("证件号 11010519900101123X。", "证件号 110105********123X。"),
        ("证件号 11010519900101123x", "证件号 110105********123x"),
        ("老身份证110105900101123", "老身份证110105******123"),
        ("电话13812345678", "电话138****5678"),
        ("电话 +86 138-1234-5678 找王师傅", "电话 +86 138****5678 找王师傅"),
        ("电话+8613812345678", "电话+86138****5678"),
        ("电话 0086 138 1234 5678", "电话 0086 138****5678"),
        ("手机：138 1234 5678，下午在家", "手机：138****5678，下午在家"),
        ("两个号码13812345678/15900001111", "两个号码138****5678/159****1111"),
    ],
)
def test_id_numbers_and_mobiles_are_masked_however_they_are_typed(typed, shown):
    assert mask_free_text(typed) == shown


@pytest.mark.parametrize(
    "typed",
    [
        "路灯编号 12345，井盖 3 个",
        "订单号 1234567890123456789 不是证件号",
        "座机 021-12345678",
        "事件编号 20261201000123",
        "",
    ],
)
def test_other_numbers_are_left_as_typed(typed):
    assert mask_free_text(typed) == typed


def test_the_excel_export_uses_the_same_masking():
    from feedback import export

    assert export.mask_free_text is mask_free_text
