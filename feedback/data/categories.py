"""The standard category tree, after CJ/T 214 (部件 components / 事件 events).

Each leaf: (code, name, department code, register h, dispatch h, handle days, sensitive).
Department keys are suffixes: a district's departments are coded "<district code>-<key>",
and each leaf is routed to its district's department by a CategoryRoute.
"""

COMPONENTS = [
    (
        "01",
        "公用设施",
        [
            ("0101", "井盖破损或缺失", "ZJ", 1, 1, 1, False),
            ("0102", "路灯不亮", "ZJ", 2, 2, 3, False),
            ("0103", "消防栓损坏", "YJGL", 1, 1, 1, False),
            ("0104", "供水管道漏水", "SW", 1, 1, 1, False),
        ],
    ),
    (
        "02",
        "道路交通",
        [
            ("0201", "道路破损", "ZJ", 2, 2, 5, False),
            ("0202", "交通标志损坏", "GA", 2, 2, 3, False),
            ("0203", "护栏损坏", "ZJ", 2, 2, 3, False),
        ],
    ),
    (
        "03",
        "市容环境",
        [
            ("0301", "垃圾桶破损或满溢", "CGZF", 2, 2, 1, False),
            ("0302", "公共厕所设施损坏", "CGZF", 2, 2, 2, False),
        ],
    ),
    (
        "04",
        "园林绿化",
        [
            ("0401", "树木倒伏或枯死", "LH", 2, 2, 3, False),
            ("0402", "绿地毁损", "LH", 2, 2, 5, False),
        ],
    ),
    (
        "05",
        "房屋土地",
        [
            ("0501", "房屋外墙脱落隐患", "ZJ", 1, 1, 2, False),
        ],
    ),
]

EVENTS = [
    (
        "11",
        "市容环境",
        [
            ("1101", "暴露垃圾", "CGZF", 2, 2, 1, False),
            ("1102", "乱堆物料", "CGZF", 2, 2, 2, False),
            ("1103", "违规张贴小广告", "CGZF", 2, 2, 2, False),
        ],
    ),
    (
        "12",
        "违法建设",
        [
            ("1201", "违章搭建", "CGZF", 2, 2, 10, False),
        ],
    ),
    (
        "13",
        "街面秩序",
        [
            ("1301", "占道经营", "CGZF", 2, 2, 1, False),
            ("1302", "机动车乱停放", "GA", 2, 2, 1, False),
            ("1303", "噪声扰民", "STHJ", 2, 2, 2, False),
        ],
    ),
    (
        "14",
        "突发事件",
        [
            ("1401", "道路积水", "ZJ", 1, 1, 1, False),
            ("1402", "燃气泄漏隐患", "ZJ", 1, 1, 1, False),
        ],
    ),
    (
        "15",
        "邻里纠纷",
        [
            ("1501", "邻里矛盾调解", "SF", 4, 4, 5, True),
            ("1502", "物业纠纷", "ZJ", 4, 4, 5, True),
        ],
    ),
    (
        "16",
        "民生求助",
        [
            ("1601", "老人求助", "MZ", 1, 1, 1, True),
            ("1602", "困难群众帮扶", "MZ", 2, 2, 3, True),
            ("1603", "残疾人帮扶", "CL", 2, 2, 3, True),
        ],
    ),
]

# (key, name): the line departments of a district that cases are dispatched to
DEPARTMENTS = (
    ("CGZF", "城市管理执法局"),
    ("ZJ", "住房和城乡建设管理委员会"),
    ("MZ", "民政局"),
    ("SCJG", "市场监督管理局"),
    ("STHJ", "生态环境局"),
    ("WSJK", "卫生健康委员会"),
    ("RSJ", "人力资源和社会保障局"),
    ("JT", "交通委员会"),
    ("SW", "水务局"),
    ("YJGL", "应急管理局"),
    ("CL", "残疾人联合会"),
    ("GA", "公安分局"),
    ("LH", "绿化和市容管理局"),
    ("SF", "司法局"),
)
