"""The standard category tree, after CJ/T 214 (部件 components / 事件 events).

Each leaf: (code, name, department code, register h, dispatch h, handle days, sensitive).
Department codes refer to the departments the demo (or an administrator) creates; a leaf
whose department is missing is left unrouted, and dispatch then asks for one.
"""

COMPONENTS = [
    (
        "01",
        "公用设施",
        [
            ("0101", "井盖破损或缺失", "zjj", 1, 1, 1, False),
            ("0102", "路灯不亮", "zjj", 2, 2, 3, False),
            ("0103", "消防栓损坏", "xfj", 1, 1, 1, False),
            ("0104", "供水管道漏水", "sw", 1, 1, 1, False),
        ],
    ),
    (
        "02",
        "道路交通",
        [
            ("0201", "道路破损", "zjj", 2, 2, 5, False),
            ("0202", "交通标志损坏", "jjd", 2, 2, 3, False),
            ("0203", "护栏损坏", "zjj", 2, 2, 3, False),
        ],
    ),
    (
        "03",
        "市容环境",
        [
            ("0301", "垃圾桶破损或满溢", "cgj", 2, 2, 1, False),
            ("0302", "公共厕所设施损坏", "cgj", 2, 2, 2, False),
        ],
    ),
    (
        "04",
        "园林绿化",
        [
            ("0401", "树木倒伏或枯死", "ylj", 2, 2, 3, False),
            ("0402", "绿地毁损", "ylj", 2, 2, 5, False),
        ],
    ),
    (
        "05",
        "房屋土地",
        [
            ("0501", "房屋外墙脱落隐患", "zjj", 1, 1, 2, False),
        ],
    ),
]

EVENTS = [
    (
        "11",
        "市容环境",
        [
            ("1101", "暴露垃圾", "cgj", 2, 2, 1, False),
            ("1102", "乱堆物料", "cgj", 2, 2, 2, False),
            ("1103", "违规张贴小广告", "cgj", 2, 2, 2, False),
        ],
    ),
    (
        "12",
        "违法建设",
        [
            ("1201", "违章搭建", "cgj", 2, 2, 10, False),
        ],
    ),
    (
        "13",
        "街面秩序",
        [
            ("1301", "占道经营", "cgj", 2, 2, 1, False),
            ("1302", "机动车乱停放", "jjd", 2, 2, 1, False),
            ("1303", "噪声扰民", "hbj", 2, 2, 2, False),
        ],
    ),
    (
        "14",
        "突发事件",
        [
            ("1401", "道路积水", "zjj", 1, 1, 1, False),
            ("1402", "燃气泄漏隐患", "rq", 1, 1, 1, False),
        ],
    ),
    (
        "15",
        "邻里纠纷",
        [
            ("1501", "邻里矛盾调解", "sfs", 4, 4, 5, True),
            ("1502", "物业纠纷", "zjj", 4, 4, 5, True),
        ],
    ),
    (
        "16",
        "民生求助",
        [
            ("1601", "老人求助", "mzj", 1, 1, 1, True),
            ("1602", "困难群众帮扶", "mzj", 2, 2, 3, True),
            ("1603", "残疾人帮扶", "cl", 2, 2, 3, True),
        ],
    ),
]

DEPARTMENTS = {
    "cgj": "城市管理执法局",
    "zjj": "住房和城乡建设局",
    "xfj": "消防救援大队",
    "sw": "水务集团",
    "jjd": "交警大队",
    "ylj": "绿化市容局",
    "hbj": "生态环境局",
    "rq": "燃气公司",
    "sfs": "司法所",
    "mzj": "民政局",
    "cl": "残疾人联合会",
}
