"""Ruleset files: the shipped ones load; bad files get every problem reported with its path."""

from __future__ import annotations

import textwrap
from fractions import Fraction
from pathlib import Path

import pytest

import points
from points import RulesetError
from points.vocab.text import normalize_name

SHIPPED = Path(points.__file__).parent / "rules" / "shipped"


def test_shipped_rulesets_are_listed_and_load() -> None:
    assert points.shipped_rulesets() == ["beijiang", "dongyang", "dujiangyan", "fangzi", "hejing",
                                         "hongtong", "huaning", "huguan", "sanjin", "yongzhou"]
    for name in points.shipped_rulesets():
        ruleset = points.load_ruleset(name)
        assert ruleset.name == name
        assert len(ruleset.sha256) == 64


def test_default_is_dujiangyan_loaded_from_the_data_file(default: points.Ruleset) -> None:
    assert default.name == "dujiangyan"
    assert default == points.load_ruleset(SHIPPED / "dujiangyan.toml")


# The tables of default-ruleset.md, row by row.
@pytest.mark.parametrize(
    ("activity", "points_", "cap", "absence"),
    [
        ("支部党员大会", 5, 20, -3),
        ("党小组会", 2, 24, -3),
        ("党课", 5, 10, -3),
        ("主题党日", 2, 24, -2),
        ("组织生活会", 5, 5, -3),
        ("集中学习", 2, 12, -2),
        ("支委会", 0, None, 0),
    ],
)
def test_default_activities(default: points.Ruleset, activity: str, points_: float,
                            cap: float | None, absence: float) -> None:
    act = {a.name: a for a in default.activities}[activity]
    assert (act.points, act.cap, act.absence_points, act.late_points) == (points_, cap, absence, -1)
    assert act.dimension == "participation"


@pytest.mark.parametrize(
    ("item", "points_", "cap"),
    [("志愿服务", 1, 10), ("讲党课", 3, None), ("结对帮扶", 2, None), ("表彰（县级）", 5, None),
     ("表彰（市级）", 8, None), ("表彰（省级及以上）", 10, None)],
)
def test_default_bonuses(default: points.Ruleset, item: str, points_: float,
                         cap: float | None) -> None:
    bonus = {b.name: b for b in default.bonuses}[item]
    assert (bonus.points, bonus.cap, bonus.dimension) == (points_, cap, "vanguard")


@pytest.mark.parametrize(
    ("item", "points_", "zero_out"),
    [("未按时交纳党费", -2, False), ("不完成组织分配任务", -3, False),
     ("拒不完成组织分配任务", -10, False), ("违反廉洁自律规定", -10, False),
     ("受到党纪政务处分", 0, True)],
)
def test_default_negatives(default: points.Ruleset, item: str, points_: float,
                           zero_out: bool) -> None:
    neg = {n.name: n for n in default.negatives}[item]
    assert (neg.points, neg.zero_out) == (points_, zero_out)


def test_default_dimensions_statuses_and_categories(default: points.Ruleset) -> None:
    assert [(d.id, d.label, d.cap) for d in default.dimensions] == [
        ("participation", "日常表现", 60), ("appraisal", "民主评议", 20),
        ("vanguard", "先锋示范", 20), ("deductions", "扣分", None)]
    assert dict(default.status_factors) == {"present": 1, "late": 1, "online": 0.5,
                                            "makeup": 0.5, "leave": 0, "absent": 0}
    cats = {c.name: c for c in default.categories}
    assert set(cats) == {"在职党员", "离退休党员", "流动党员", "年老体弱党员", "预备党员",
                         "发展对象", "入党积极分子"}
    for name in ("流动党员", "年老体弱党员"):
        assert dict(cats[name].status_factors) == {"online": 1, "makeup": 1}
        assert cats[name].exempt_absence_deductions
    for name in ("发展对象", "入党积极分子"):
        assert cats[name].kind == "candidate"
        assert cats[name].skip_dimensions == ("appraisal",)
    assert cats["预备党员"].probation
    assert default.default_category == "在职党员"
    assert dict(default.appraisal.results) == {"优秀": 20, "合格": 15, "基本合格": 10, "不合格": 0}
    assert default.grades.top_quota == Fraction(1, 3)
    assert [(b.name, b.min) for b in default.grades.bands] == [
        ("优秀", 90), ("合格", 70), ("基本合格", 60), ("不合格", 0)]
    assert [(b.name, b.min) for b in default.probation] == [
        ("按期转正", 70), ("延长预备期", 60), ("取消预备资格", 0)]
    assert [(b.name, b.min) for b in default.candidate_bands] == [
        ("优先发展", 72), ("重点培养", 64), ("一般", 0)]
    assert default.marks.blank == "absent"


@pytest.mark.parametrize(
    ("mark", "status"),
    [("√", "present"), ("✓", "present"), ("到", "present"), ("迟到", "late"), ("早退", "late"),
     ("线上", "online"), ("送学上门", "online"), ("补学", "makeup"), ("请假", "leave"),
     ("病假", "leave"), ("×", "absent"), ("旷会", "absent"), (" 请 假 ", "leave"), ("？", None)],
)
def test_mark_vocabulary(default: points.Ruleset, mark: str, status: str | None) -> None:
    assert default.marks.vocabulary.get(normalize_name(mark)) == status


def test_an_empty_mark_is_not_in_the_vocabulary(default: points.Ruleset) -> None:
    # an empty cell is "blank" by definition when scoring, whatever the vocabulary says
    assert normalize_name("") == normalize_name(None) == normalize_name(" \u3000") == ""
    assert "" not in default.marks.vocabulary


def test_names_match_after_nfkc_and_space_removal(default: points.Ruleset) -> None:
    items = default.item_names("bonus")
    assert items["表彰(县级)"] == "表彰（县级）"
    assert default.activity_names()["支部大会"] == "支部党员大会"


def _write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "rules.toml"
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return path


def _default_text() -> str:
    return (SHIPPED / "dujiangyan.toml").read_text(encoding="utf-8")


def test_every_problem_is_reported_at_once_with_its_path(tmp_path: Path) -> None:
    text = _default_text().replace(
        '[activities."主题党日"]\nid = "theme_day"\npoints = 2\ncap = 24',
        '[activities."主题党日"]\nid = "theme_day"\npoints = 2\ncap = "二十"\ncaps = 3',
    ).replace('[bonuses."讲党课"]\nid = "gave_lecture"\npoints = 3',
              '[bonuses."讲党课"]\nid = "Gave Lecture"\npoints = -3')
    with pytest.raises(RulesetError) as info:
        points.load_ruleset(_write(tmp_path, text))
    assert info.value.problems == [
        ("$.activities.主题党日.caps", "无法识别的键（是不是 'cap'？）"),
        ("$.activities.主题党日.cap", "应为 ≥ 0 的数字，实际是 '二十'"),
        ("$.bonuses.讲党课.id",
         "应为英文编号（小写字母、数字、下划线，字母开头），实际是 'Gave Lecture'"),
        ("$.bonuses.讲党课.points", "应为 ≥ 0 的数字，实际是 -3"),
    ]
    message = str(info.value)
    assert message.startswith(f"规则 {tmp_path / 'rules.toml'} 有 4 处错误：")
    assert "$.activities.主题党日.cap: 应为 ≥ 0 的数字，实际是 '二十'" in message
    assert list(info.value.to_frame().columns) == ["path", "message"]


def test_unknown_references_get_suggestions(tmp_path: Path) -> None:
    text = _default_text().replace('default_category = "在职党员"', 'default_category = "在职党圆"')
    text = text.replace('dues_item = "未按时交纳党费"', 'dues_item = "未按时缴纳党费"')
    text = text.replace('skip_dimensions = ["appraisal"]\n\n[categories."入党积极分子"]',
                        'skip_dimensions = ["apraisal"]\n\n[categories."入党积极分子"]')
    with pytest.raises(RulesetError) as info:
        points.load_ruleset(_write(tmp_path, text))
    assert info.value.problems == [
        ("$.categories.发展对象.skip_dimensions[0]",
         "未定义的维度 'apraisal'（是不是 'appraisal'？）"),
        ("$.default_category", "未定义的类别 '在职党圆'（是不是 '在职党员'？）"),
        ("$.flags.dues_item",
         "负面清单中没有 '未按时缴纳党费'（是不是 '未按时交纳党费'？）"),
    ]


def test_missing_required_keys_and_bad_types(tmp_path: Path) -> None:
    path = _write(tmp_path, """
        title = 3
        period = "week"
        [dimensions.participation]
        cap = 60
        [activities."党课"]
        points = 5
        org_life = "yes"
        [categories."党员"]
        id = "member"
        """)
    with pytest.raises(RulesetError) as info:
        points.load_ruleset(path)
    assert info.value.problems == [
        ("$.name", "必填，缺少此项"),
        ("$.title", "应为非空的文字，实际是 3"),
        ("$.period", "应为 'year'、'quarter'、'month' 之一，实际是 'week'"),
        ("$.status_factors", "必填，缺少此项"),
        ("$.dimensions.participation.label", "必填，缺少此项"),
        ("$.activities.党课.id", "必填，缺少此项"),
        ("$.activities.党课.org_life", "应为 true 或 false，实际是 'yes'"),
        ("$.default_category", "必填，缺少此项"),
    ]


def test_duplicate_ids_and_alias_collisions(tmp_path: Path) -> None:
    text = _default_text().replace('id = "group_meeting"', 'id = "branch_meeting"')
    text = text.replace('aliases = ["小组会", "党小组会议"]', 'aliases = ["支部大会"]')
    with pytest.raises(RulesetError) as info:
        points.load_ruleset(_write(tmp_path, text))
    assert info.value.problems == [
        ("$.activities.党小组会.id", "编号 'branch_meeting' 已被 '支部党员大会' 使用"),
        ("$.activities.党小组会.aliases[0]", "名称 '支部大会' 已被 '支部党员大会' 使用"),
    ]


def test_bands_must_descend(tmp_path: Path) -> None:
    text = _default_text().replace('{ name = "合格", min = 70 }', '{ name = "合格", min = 95 }')
    with pytest.raises(RulesetError) as info:
        points.load_ruleset(_write(tmp_path, text))
    assert info.value.problems == [
        ("$.grades.bands",
         "档次要按 min 从高到低排列，实际是 [90.0, 95.0, 60.0, 0.0]")]


def test_band_flags_must_be_known_flag_codes(tmp_path: Path) -> None:
    text = _default_text().replace('flag = "grade_basic"', 'flag = "grade_basik"')
    with pytest.raises(RulesetError) as info:
        points.load_ruleset(_write(tmp_path, text))
    assert info.value.problems == [
        ("$.grades.bands[2].flag",
         "未知的提示代码 'grade_basik'（是不是 'grade_basic' 或 'grade_unqualified'？）")]


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"name = ", "TOML 格式有误，在文件末尾：无法识别的值（文字要加引号，如 \"合格\"）"),
        (b"name = \"a\"\ntitle = = 3",
         "TOML 格式有误，在第 2 行第 9 列：无法识别的值（文字要加引号，如 \"合格\"）"),
        (b"\xff\xfe", "不是 UTF-8 编码的文字（第 1 行有无法解读的字节），请用 UTF-8 编码保存"),
    ],
)
def test_unreadable_files(tmp_path: Path, content: bytes, problem: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_bytes(content)
    with pytest.raises(RulesetError) as info:
        points.load_ruleset(path)
    assert info.value.problems == [("$", problem)]


def test_missing_file_suggests_a_shipped_name() -> None:
    with pytest.raises(RulesetError) as info:
        points.load_ruleset("dujiangyen")
    assert info.value.problems == [
        ("$", "找不到此文件，也不是内置规则名（是不是 'dujiangyan' 或 'dongyang' 或 'beijiang'？）")]


def test_a_copy_of_the_default_with_a_changed_number_scores_differently(tmp_path: Path) -> None:
    text = _default_text().replace('points = 5\ncap = 20', 'points = 4\ncap = 20', 1)
    ruleset = points.load_ruleset(_write(tmp_path, text))
    assert {a.name: a.points for a in ruleset.activities}["支部党员大会"] == 4
    assert ruleset.sha256 != points.default_ruleset().sha256


def test_the_same_bytes_are_built_once_and_a_changed_file_is_read_again(tmp_path: Path) -> None:
    """A ruleset is built once for the same bytes and name (it is frozen, so the one object
    serves every call); the file is read each time, so an edit, even of the same size and
    within the same clock tick, gives the edited ruleset, and a broken file raises each time."""
    assert points.default_ruleset() is points.default_ruleset()
    path = _write(tmp_path, _default_text())
    first = points.load_ruleset(path)
    assert first is points.load_ruleset(path) and first == points.default_ruleset()
    path.write_text(_default_text().replace("points = 5\ncap = 20", "points = 4\ncap = 20", 1),
                    encoding="utf-8")
    assert {a.name: a.points for a in points.load_ruleset(path).activities}["支部党员大会"] == 4
    path.write_text("title = 3\n", encoding="utf-8")
    for _ in range(2):
        with pytest.raises(RulesetError):
            points.load_ruleset(path)
