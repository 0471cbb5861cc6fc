import csv
import io

import pytest
from django.core.management import CommandError, call_command, load_command_class
from openpyxl import Workbook

from common.personal_data import mask_id_number, mask_phone
from grid.models import Building, Household, Resident, SpecialGroup, SpecialGroupMembership
from tests.factories import grid_centre, id_number

HEADER = [
    "楼栋地址",
    "经度",
    "纬度",
    "楼栋名称",
    "门牌",
    "姓名",
    "身份证号",
    "与户主关系",
    "电话",
    "特殊人群",
]
HEAD_ID = id_number("310101", "19580312", 11)
SPOUSE_ID = id_number("310101", "19600705", 22)
ALONE_ID = id_number("310101", "19380101", 32)
GOOD_ID = id_number("310101", "19900101", 41)
NEIGHBOUR_ID = id_number("310101", "19920202", 52)
BAD_CHECKSUM_ID = GOOD_ID[:-1] + ("0" if GOOD_ID[-1] != "0" else "1")
PHONE = "13812345678"


def register() -> list[list]:
    """Three good residents (rows 2–4) and three bad rows (5: ID checksum, 6: outside
    every grid, 7: unknown relation)."""
    a, b = grid_centre("310101001001001"), grid_centre("310101002002002")
    return [
        HEADER,
        ["和平路1号", a.x, a.y, "1号楼", "101室", "王建国", HEAD_ID, "户主", PHONE, ""],
        [
            "和平路1号",
            a.x,
            a.y,
            "1号楼",
            "101室",
            "李秀英",
            SPOUSE_ID,
            "配偶",
            "",
            "残疾人、低保户",
        ],
        ["解放路8号", b.x, b.y, "", "202室", "赵敏", ALONE_ID, "户主", "", "独居老人"],
        ["和平路1号", a.x, a.y, "1号楼", "102室", "钱多", BAD_CHECKSUM_ID, "户主", "", ""],
        ["远郊路9号", 120.0, 30.0, "", "1室", "孙远", GOOD_ID, "户主", "", ""],
        ["解放路8号", b.x, b.y, "", "203室", "周邻", NEIGHBOUR_ID, "邻居", "", ""],
    ]


def write_xlsx(path, rows, *, sheet="户籍登记"):
    workbook = Workbook()
    worksheet = workbook.active
    worksheet.title = sheet
    for row in rows:
        worksheet.append(row)
    workbook.save(path)
    return path


def write_csv(path, rows, *, encoding):
    text = io.StringIO(newline="")
    csv.writer(text).writerows(rows)
    path.write_bytes(text.getvalue().encode(encoding))
    return path


def import_households(*args) -> str:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_households", *[str(arg) for arg in args], stdout=out, stderr=err)
    return out.getvalue()


def assert_register_imported(out: str) -> None:
    assert "新建 3，更新 0，拒绝 3" in out
    assert f"第 5 行 [身份证号]：身份证号校验位不正确。（{mask_id_number(BAD_CHECKSUM_ID)}）" in out
    assert "第 6 行 [经度/纬度]：该位置不在任何网格内：远郊路9号" in out
    assert "第 7 行 [与户主关系]：无法识别的关系：邻居" in out
    names = set(Resident.objects.values_list("name", flat=True))
    assert names == {"王建国", "李秀英", "赵敏"}


def test_xlsx_saves_good_rows_and_lists_bad_ones_by_row_and_column(areas, tmp_path):
    out = import_households(write_xlsx(tmp_path / "register.xlsx", register()))
    assert_register_imported(out)


@pytest.mark.parametrize("encoding", ["gbk", "utf-8-sig", "utf-8"])
def test_csv_in_gbk_or_utf8_with_or_without_bom_is_detected(areas, tmp_path, encoding):
    # given the register saved as CSV in the encoding Excel or another tool chose
    path = write_csv(tmp_path / "register.csv", register(), encoding=encoding)
    # when it is imported
    out = import_households(path)
    # then it reads the same as the workbook
    assert_register_imported(out)


def test_gbk_fixture_really_is_not_utf8(tmp_path):
    path = write_csv(tmp_path / "register.csv", register(), encoding="gbk")
    with pytest.raises(UnicodeDecodeError):
        path.read_bytes().decode("utf-8")


def test_buildings_resolve_to_grids_and_rows_group_into_households(areas, tmp_path):
    import_households(write_xlsx(tmp_path / "register.xlsx", register()))
    peace_road = Building.objects.get(address="和平路1号")
    assert peace_road.grid.code == "310101001001001"
    assert peace_road.name == "1号楼"
    assert Building.objects.get(address="解放路8号").grid.code == "310101002002002"
    household = Household.objects.get(building=peace_road, room="101室")
    assert sorted(household.members.values_list("relation", flat=True)) == ["self", "spouse"]


def test_special_groups_and_personal_data_are_saved(areas, tmp_path):
    import_households(write_xlsx(tmp_path / "register.xlsx", register()))
    spouse = Resident.objects.get(name="李秀英")
    kinds = {membership.kind for membership in spouse.special_groups.all()}
    assert kinds == {SpecialGroup.DISABLED, SpecialGroup.LOW_INCOME}
    head = Resident.objects.get(name="王建国")
    assert head.id_number == HEAD_ID
    assert head.phone == PHONE
    assert head.gender == "M"
    assert str(head.birth_date) == "1958-03-12"


def test_reimport_changes_no_counts(areas, tmp_path):
    # given an imported register
    path = write_xlsx(tmp_path / "register.xlsx", register())
    import_households(path)
    # when the same file is imported again
    out = import_households(path)
    # then every good row updates, nothing is added
    assert "新建 0，更新 3，拒绝 3" in out
    assert Resident.objects.count() == 3
    assert Household.objects.count() == 2
    assert Building.objects.count() == 2
    assert SpecialGroupMembership.objects.count() == 3


def test_reimport_with_a_corrected_row_adds_only_that_resident(areas, tmp_path):
    rows = register()
    import_households(write_xlsx(tmp_path / "first.xlsx", rows))
    rows[6][7] = "子女"  # the unknown relation of row 7, corrected
    out = import_households(write_xlsx(tmp_path / "second.xlsx", rows))
    assert "新建 1，更新 3，拒绝 2" in out
    assert Resident.objects.get(name="周邻").relation == "child"


def test_errors_never_show_id_numbers_or_phones_in_clear(areas, tmp_path):
    # given rows with a wrong ID number and a wrong phone
    a = grid_centre("310101001001001")
    bad_phone = "2381234567"
    rows = [
        HEADER,
        ["和平路1号", a.x, a.y, "", "101室", "王建国", BAD_CHECKSUM_ID, "户主", "", ""],
        ["和平路1号", a.x, a.y, "", "102室", "李秀英", SPOUSE_ID, "户主", bad_phone, ""],
    ]
    # when they are imported
    out = import_households(write_xlsx(tmp_path / "register.xlsx", rows))
    # then the report shows them masked only
    assert BAD_CHECKSUM_ID not in out
    assert bad_phone not in out
    assert mask_id_number(BAD_CHECKSUM_ID) in out
    assert f"第 3 行 [电话]：手机号应为 11 位数字。（{mask_phone(bad_phone)}）" in out


def test_duplicate_id_number_in_one_file_is_rejected_masked(areas, tmp_path):
    rows = register()[:2]
    rows.append([*rows[1][:4], "102室", "王建国", HEAD_ID, "户主", "", ""])
    out = import_households(write_xlsx(tmp_path / "register.xlsx", rows))
    assert f"第 3 行 [身份证号]：身份证号 {mask_id_number(HEAD_ID)} 与第 2 行重复。" in out
    assert HEAD_ID not in out


def test_second_head_of_one_household_is_rejected(areas, tmp_path):
    rows = register()[:2]
    rows.append([*rows[1][:4], "101室", "王二", GOOD_ID, "户主", "", ""])
    out = import_households(write_xlsx(tmp_path / "register.xlsx", rows))
    assert "第 3 行 [与户主关系]：同一户只能有一位在住的户主。" in out
    assert Resident.objects.count() == 1


def test_every_bad_cell_of_a_row_is_listed(areas, tmp_path):
    rows = [HEADER, ["", "东经", "91", "", "", "", "", "", "", "孤寡"]]
    out = import_households(write_xlsx(tmp_path / "register.xlsx", rows))
    for column in (
        "楼栋地址",
        "经度",
        "纬度",
        "门牌",
        "姓名",
        "身份证号",
        "与户主关系",
        "特殊人群",
    ):
        assert f"第 2 行 [{column}]" in out
    assert "拒绝 8" in out


def test_english_headers_relation_codes_and_group_codes_are_accepted(areas, tmp_path):
    a = grid_centre("310101001001001")
    rows = [
        ["address", "lon", "lat", "room", "name", "id_number", "relation", "special_groups"],
        ["和平路1号", a.x, a.y, "101室", "王建国", HEAD_ID, "self", "veteran"],
        ["和平路1号", a.x, a.y, "101室", "王小", SPOUSE_ID, "child", ""],
    ]
    out = import_households(write_csv(tmp_path / "register.csv", rows, encoding="utf-8"))
    assert "新建 2，更新 0，拒绝 0" in out
    veteran = Resident.objects.get(name="王建国")
    assert veteran.special_groups.get().kind == SpecialGroup.VETERAN


def test_dry_run_checks_every_row_and_writes_nothing(areas, tmp_path):
    out = import_households(write_xlsx(tmp_path / "register.xlsx", register()), "--dry-run")
    assert "新建 3，更新 0，拒绝 3" in out
    assert "试运行" in out
    assert not Resident.objects.exists()
    assert not Building.objects.exists()


def test_sheet_option_picks_the_named_sheet(areas, tmp_path):
    # given a workbook whose first sheet is a cover page
    path = tmp_path / "register.xlsx"
    workbook = Workbook()
    workbook.active.append(["说明：第二张表是户籍登记"])
    registry = workbook.create_sheet("户籍登记")
    for row in register():
        registry.append(row)
    workbook.save(path)
    # then the named sheet is read, and an unknown one is refused with the sheet names
    assert "新建 3" in import_households(path, "--sheet", "户籍登记")
    with pytest.raises(CommandError, match="可用工作表：Sheet, 户籍登记"):
        import_households(path, "--sheet", "人口")


def test_missing_required_columns_are_refused_with_the_columns_found(db, tmp_path):
    rows = [["楼栋地址", "姓名"], ["和平路1号", "王建国"]]
    with pytest.raises(
        CommandError, match=r"缺少必需的列：经度、纬度、门牌.*第 1 行的列：楼栋地址、姓名"
    ):
        import_households(write_csv(tmp_path / "register.csv", rows, encoding="utf-8"))


def test_missing_or_unsupported_files_are_refused(db, tmp_path):
    with pytest.raises(CommandError, match="文件不存在"):
        import_households(tmp_path / "nowhere.xlsx")
    (tmp_path / "register.ods").write_bytes(b"")
    with pytest.raises(CommandError, match=r"只支持 \.xlsx 和 \.csv"):
        import_households(tmp_path / "register.ods")


def test_help_lists_the_options():
    command = load_command_class("grid", "import_households")
    text = command.create_parser("manage.py", "import_households").format_help()
    assert "--sheet" in text
    assert "--dry-run" in text


def test_title_rows_above_the_header_are_skipped(areas, tmp_path):
    # given a sheet with the office's title and a blank line above the header
    rows = [["和平社区户籍登记表（2025年）"], [], *register()]
    # when it is imported
    out = import_households(write_xlsx(tmp_path / "register.xlsx", rows))
    # then the header is found and rows keep their sheet numbers
    assert "新建 3，更新 0，拒绝 3" in out
    assert "第 7 行 [身份证号]" in out


def test_file_without_a_header_is_refused_without_echoing_personal_data(db, tmp_path):
    rows = register()[1:]
    with pytest.raises(CommandError, match="缺少必需的列") as refused:
        import_households(write_csv(tmp_path / "register.csv", rows, encoding="utf-8"))
    assert HEAD_ID not in str(refused.value)
    assert PHONE not in str(refused.value)


def test_shifted_columns_do_not_echo_personal_data_in_clear(areas, tmp_path):
    # given a row whose cells slid one column left from 身份证号 on
    a = grid_centre("310101001001001")
    rows = [HEADER, ["和平路1号", a.x, a.y, "", "101室", HEAD_ID, "户主", PHONE, "", ""]]
    out = import_households(write_xlsx(tmp_path / "register.xlsx", rows))
    assert f"第 2 行 [与户主关系]：无法识别的关系：{mask_phone(PHONE)}" in out
    assert PHONE[3:] not in out
    assert HEAD_ID not in out


def test_a_phone_in_a_coordinate_column_is_masked(areas, tmp_path):
    a = grid_centre("310101001001001")
    rows = [HEADER, ["和平路1号", PHONE, a.y, "", "101室", "王建国", HEAD_ID, "户主", "", ""]]
    out = import_households(write_xlsx(tmp_path / "register.xlsx", rows))
    assert f"第 2 行 [经度]：超出范围（±180）：{mask_phone(PHONE)}" in out
