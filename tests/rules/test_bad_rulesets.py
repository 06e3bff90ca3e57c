"""Hostile rulesets: every number finite and in a sane range, files that are not rulesets, TOML
syntax errors. Each gives a RulesetError with a located Chinese message, never another
exception, a hang or runaway memory."""

from __future__ import annotations

import math
import os
import re
import threading
from collections.abc import Callable, Iterator, Mapping
from fractions import Fraction
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import points
from conftest import examples
from points import RulesetError
from points.rules import schema
from points.rules.check import toml_problem

SHIPPED = Path(points.__file__).parent / "rules" / "shipped"
DEFAULT = (SHIPPED / "dujiangyan.toml").read_text(encoding="utf-8")

#: English words a message may hold: key names, TOML's own words, values of the file.
ALLOWED = ({k.name for s in schema.SECTIONS for k in s} | {s.path.split(".")[-1] for s in schema.SECTIONS}
           | {"TOML", "UTF", "inf", "nan", "true", "false", "activities", "dimensions", "deductions"})


def english(message: str) -> list[str]:
    """The English words of ``message`` outside quotes that are not key names."""
    bare = re.sub(r"'[^']*'|\"[^\"]*\"", "", message)
    return [w for w in re.findall(r"[A-Za-z_]{2,}", bare) if w not in ALLOWED]


def problems(path: Path | str) -> list[tuple[str, str]]:
    """The problems of loading ``path``, which must fail with a RulesetError in Chinese."""
    with pytest.raises(RulesetError) as info:
        points.load_ruleset(path)
    for where, message in info.value.problems:
        assert where.startswith("$") and message and english(message) == [], (where, message)
    return info.value.problems


def write(tmp_path: Path, text: str | bytes, name: str = "rules.toml") -> Path:
    path = tmp_path / name
    if isinstance(text, str):
        path.write_text(text, encoding="utf-8")
    else:
        path.write_bytes(text)
    return path


def within(seconds: float, call: Callable[[], object]) -> object:
    """``call()`` in a daemon thread, which must end in time (a blocked read would not)."""
    result: list[object] = []
    thread = threading.Thread(target=lambda: result.append(_outcome(call)), daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), "did not return in time"
    return result[0]


def _outcome(call: Callable[[], object]) -> object:
    try:
        return call()
    except Exception as error:  # the caller checks which
        return error


# -- numbers ---------------------------------------------------------------------------------
ACTIVITY = '[activities."支部党员大会"]\nid = "branch_meeting"\n'
MEETING = "$.activities.支部党员大会"


@pytest.mark.parametrize(
    ("old", "new", "where", "message"),
    [
        (ACTIVITY + "points = 5\ncap = 20", ACTIVITY + "points = 5\ncap = inf", f"{MEETING}.cap",
         "应为 0 到 10000 之间的数字，实际是 inf"),
        (ACTIVITY + "points = 5\ncap = 20", ACTIVITY + "points = 5\ncap = -inf", f"{MEETING}.cap",
         "应为 ≥ 0 的数字，实际是 -inf"),
        (ACTIVITY + "points = 5\ncap = 20", ACTIVITY + "points = 5\ncap = nan", f"{MEETING}.cap",
         "应为 0 到 10000 之间的数字，实际是 nan"),
        (ACTIVITY + "points = 5", ACTIVITY + "points = 1e308", f"{MEETING}.points",
         "应为 -10000 到 10000 之间的数字，实际是 1e+308"),
        (ACTIVITY + "points = 5", ACTIVITY + "points = 1180591620717411303424", f"{MEETING}.points",
         "应为 -10000 到 10000 之间的数字，实际是 1180591620717411303424"),
        (ACTIVITY + "points = 5", ACTIVITY + "points = -1" + "0" * 40, f"{MEETING}.points",
         "应为 -10000 到 10000 之间的数字，实际是 -一个约 41 位的整数"),
        (ACTIVITY + "points = 5", ACTIVITY + "points = 0x" + "f" * 2000, f"{MEETING}.points",
         "应为 -10000 到 10000 之间的数字，实际是 一个约 2409 位的整数"),
        (ACTIVITY + "points = 5", ACTIVITY + "points = 10000.5", f"{MEETING}.points",
         "应为 -10000 到 10000 之间的数字，实际是 10000.5"),
        ("absence_points = -3", "absence_points = -1e309", f"{MEETING}.absence_points",
         "应为 -10000 到 0 之间的数字，实际是 -inf"),
        ("floor = 0 ", "floor = 1e400 ", "$.floor", "应为 -10000 到 10000 之间的数字，实际是 inf"),
        ("floor = 0 ", "floor = 0\ntotal_cap = nan ", "$.total_cap",
         "应为 0 到 10000 之间的数字，实际是 nan"),
        ("cap = 60", "cap = 60\ncarry = nan", "$.dimensions.participation.carry",
         "应为 0 到 1 之间的数字，实际是 nan"),
        ("cap = 60", "cap = 60\ncarry = inf", "$.dimensions.participation.carry",
         "应为 ≥ 0 且 ≤ 1 的数字，实际是 inf"),
        ('"优秀" = 20', '"优秀" = 1e20', "$.appraisal.results.优秀",
         "应为 -10000 到 10000 之间的数字，实际是 1e+20"),
        ('{ name = "不合格", min = 0,', '{ name = "不合格", min = -inf,', "$.grades.bands[3].min",
         "应为 -10000 到 10000 之间的数字，实际是 -inf"),
        ('id = "mobile"', 'id = "mobile"\nactivity_points = { "党课" = nan }',
         "$.categories.流动党员.activity_points.党课", "应为 -10000 到 10000 之间的数字，实际是 nan"),
        ("six_month_run = 6", "six_month_run = 1180591620717411303424", "$.flags.six_month_run",
         "应为 1 到 1000 之间的整数，实际是 1180591620717411303424"),
        ("unexcused_absences = 3", "unexcused_absences = 1001", "$.flags.unexcused_absences",
         "应为 1 到 1000 之间的整数，实际是 1001"),
        ("frequent_leave_min = 3", "frequent_leave_min = inf", "$.flags.frequent_leave_min",
         "应为 ≥ 1 的整数，实际是 inf"),
    ],
)
def test_numbers_out_of_range_are_located(tmp_path: Path, old: str, new: str, where: str,
                                          message: str) -> None:
    assert old in DEFAULT
    assert problems(write(tmp_path, DEFAULT.replace(old, new, 1))) == [(where, message)]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("inf", "应为比例，如 \"1/3\" 或 0.25，实际是 inf"),
        ("-inf", "应为比例，如 \"1/3\" 或 0.25，实际是 -inf"),
        ("nan", "应为比例，如 \"1/3\" 或 0.25，实际是 nan"),
        ("1e308", "应为 0 到 1 之间的比例，实际是 1e+308"),
        ("-0.001", "应为 0 到 1 之间的比例，实际是 -0.001"),
        ("1180591620717411303424", "应为 0 到 1 之间的比例，实际是 1180591620717411303424"),
        ('"1e999999999"', "应为比例，如 \"1/3\" 或 0.25，实际是 '1e999999999'"),
        ('"1/1e999999999"', "应为比例，如 \"1/3\" 或 0.25，实际是 '1/1e999999999'"),
        ('"1/0"', "应为比例，如 \"1/3\" 或 0.25，实际是 '1/0'"),
        ('"inf"', "应为比例，如 \"1/3\" 或 0.25，实际是 'inf'"),
        ('"' + "1" * 50 + '"', "应为比例，如 \"1/3\" 或 0.25，实际是 '" + "1" * 50 + "'"),
    ],
)
def test_shares_out_of_range_are_located(tmp_path: Path, value: str, message: str) -> None:
    text = DEFAULT.replace('top_quota = "1/3"', f"top_quota = {value}")
    assert problems(write(tmp_path, text)) == [("$.grades.top_quota", message)]


def test_tiny_and_written_exponent_shares_still_load(tmp_path: Path) -> None:
    text = DEFAULT.replace('top_quota = "1/3"', 'top_quota = "25e-2"')
    text = text.replace('frequent_leave_share = "1/3"', "frequent_leave_share = 5e-324")
    ruleset = points.load_ruleset(write(tmp_path, text))
    assert ruleset.grades is not None and ruleset.grades.top_quota == Fraction(1, 4)
    assert ruleset.flags.frequent_leave_share == 0


def test_a_bad_status_factor_is_located(tmp_path: Path) -> None:
    text = DEFAULT.replace("online = 0.5", "online = 1e10", 1)
    assert problems(write(tmp_path, text)) == [
        ("$.status_factors.online", "应为 0 到 100 之间的数字，实际是 10000000000.0"),
        ("$.status_factors", "每种出勤状态都要有系数，缺少 online")]


def test_negative_zero_becomes_zero(tmp_path: Path) -> None:
    text = DEFAULT.replace(ACTIVITY + "points = 5\ncap = 20\nabsence_points = -3",
                           ACTIVITY + "points = -0.0\ncap = -0.0\nabsence_points = -0.0")
    text = text.replace("floor = 0 ", "floor = -0.0 ").replace("leave = 0 ", "leave = -0.0 ")
    ruleset = points.load_ruleset(write(tmp_path, text))
    meeting = next(a for a in ruleset.activities if a.name == "支部党员大会")
    zeros = [meeting.points, meeting.cap, meeting.absence_points, ruleset.floor,
             ruleset.status_factors["leave"]]
    assert zeros == [0] * 5 and all(math.copysign(1, z) == 1 for z in zeros)  # type: ignore[arg-type]


def test_every_bad_number_is_listed_and_many_are_counted(tmp_path: Path) -> None:
    extra = "".join(f'\n[activities."x{i}"]\nid = "x{i}"\npoints = inf\n' for i in range(150))
    found = problems(write(tmp_path, DEFAULT + extra))
    assert len(found) == 101
    assert found[0] == ("$.activities.x0.points", "应为 -10000 到 10000 之间的数字，实际是 inf")
    assert found[-1] == ("$", "另有 50 处错误未列出")


# -- files that are not rulesets -------------------------------------------------------------
NOT_A_FILE = "不是普通文件（是设备、管道或套接字），不能作为规则文件"


def test_dev_zero_is_refused_at_once() -> None:
    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero")
    error = within(10, lambda: points.load_ruleset("/dev/zero"))
    assert isinstance(error, RulesetError) and error.problems == [("$", NOT_A_FILE)]


def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs here")
    fifo = tmp_path / "rules.toml"
    os.mkfifo(fifo)
    error = within(10, lambda: points.load_ruleset(fifo))
    assert isinstance(error, RulesetError) and error.problems == [("$", NOT_A_FILE)]


def test_a_directory_is_refused(tmp_path: Path) -> None:
    assert problems(tmp_path) == [("$", "这是一个文件夹，不是规则文件")]
    (tmp_path / "dujiangyan").mkdir()  # a folder named like a shipped ruleset is still a folder
    assert problems(tmp_path / "dujiangyan") == [("$", "这是一个文件夹，不是规则文件")]


@pytest.mark.parametrize("size", [(1 << 20) + 1, 10 << 30])
def test_a_big_file_is_refused_before_it_is_read(tmp_path: Path, size: int) -> None:
    path = tmp_path / "big.toml"
    with path.open("wb") as stream:  # sparse: nothing is written but the last byte
        stream.truncate(size - 1)
        stream.seek(size - 1)
        stream.write(b"\n")
    message = f"文件过大（{size:,} 字节），规则文件通常只有几千字节，上限为 1,048,576 字节"
    assert problems(path) == [("$", message)]


def test_a_file_of_exactly_the_limit_is_read(tmp_path: Path) -> None:
    text = DEFAULT + "#" * ((1 << 20) - len(DEFAULT.encode()) - 1) + "\n"
    assert len(text.encode()) == 1 << 20
    assert points.load_ruleset(write(tmp_path, text)).name == "dujiangyan"


def test_unreadable_paths_are_explained_in_chinese(tmp_path: Path) -> None:
    plain = write(tmp_path, DEFAULT)
    assert problems(f"{plain}/x.toml") == [("$", "无法读取文件：路径中的某一段不是文件夹")]
    assert problems("rules\0.toml") == [("$", "文件名中有无效的字符")]
    loop = tmp_path / "loop.toml"
    loop.symlink_to(loop)
    assert problems(loop) == [("$", "无法读取文件：符号链接层数过多（链接可能指向自己）")]
    if os.geteuid() != 0:  # root reads anything
        plain.chmod(0)
        assert problems(plain) == [("$", "无法读取文件：没有权限")]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a = " + "[" * 5000 + "]" * 5000, "嵌套层数过多（方括号或花括号套了太多层），不是规则文件"),
        ("a = " + "{ b = " * 3000 + "1" + " }" * 3000,
         "嵌套层数过多（方括号或花括号套了太多层），不是规则文件"),
        ("a = " + "[" * 5000, "嵌套层数过多（方括号或花括号套了太多层），不是规则文件"),
        (".".join(["a"] * 100_000) + " = 1",
         "第 1 行的键名或表名由太多段（用 . 连接）组成，不是规则文件"),
        ("name = 'x'\n[" + ".".join(['"段"'] * 50_000) + "]",
         "第 2 行的键名或表名由太多段（用 . 连接）组成，不是规则文件"),
        ("x = { " + ".".join(["a"] * 40) + " = 1 }",
         "第 1 行的键名或表名由太多段（用 . 连接）组成，不是规则文件"),
        ("name = 'x'\nfloor = 1" + "0" * 5000, "第 2 行有位数过多的整数，不是规则文件"),
    ],
    ids=["arrays", "inline tables", "unclosed arrays", "dotted key", "table name", "inline key",
         "long integer"],
)
def test_files_nested_too_deep_are_refused(tmp_path: Path, text: str, message: str) -> None:
    assert within(30, lambda: problems(write(tmp_path, text))) == [("$", message)]


def test_a_deep_value_in_a_ruleset_is_a_located_problem(tmp_path: Path) -> None:
    text = DEFAULT.replace("floor = 0 ", "floor = " + "[" * 200 + "]" * 200 + " ")
    assert problems(write(tmp_path, text)) == [
        ("$.floor", "应为数字，实际是 " + "[" * 79 + "…")]


def test_long_keys_and_values_are_cut_short(tmp_path: Path) -> None:
    text = DEFAULT.replace('title = "都江堰式分类积分"', 'title = 3\n' + "k" * 500 + " = 1")
    text = text.replace('id = "branch_meeting"', 'id = "' + "中" * 500 + '"')
    found = problems(write(tmp_path, text))
    assert ("$.title", "应为非空的文字，实际是 3") in found
    assert ("$." + "k" * 79 + "…", "无法识别的键") in found
    expect = "应为英文编号（小写字母、数字、下划线，字母开头），实际是 '" + "中" * 78 + "…"
    assert (f"{MEETING}.id", expect) in found


# -- TOML syntax -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"a b = 1", "在第 1 行第 3 列：键的后面应有 '='（文字要加引号）"),
        (b"[a b]", "在第 1 行第 4 列：表名的末尾应有 ']'"),
        (b"[[a] ]", "在第 1 行第 4 列：表名的末尾应有 ']]'"),
        (b"a = 1 b = 2", "在第 1 行第 7 列：一行只能写一项，这一项之后应换行"),
        (b"a = 'abc", "在文件末尾：字符串没有结束，缺少结尾的引号"),
        (b"a = '''abc", "在文件末尾：字符串没有结束，缺少结尾的引号"),
        (b'a = "abc\nb = 1', "在第 1 行第 9 列：字符串没有结束，缺少结尾的引号（一对引号要写在同一行）"),
        (b"a = [1, 2", "在文件末尾：方括号 [ ] 没有闭合"),
        (b"a = {b = 1", "在文件末尾：花括号 { } 没有闭合（花括号里的表要写在一行内）"),
        (b"a = ", "在文件末尾：无法识别的值（文字要加引号，如 \"合格\"）"),
        ("title = 都江堰\n".encode(), "在第 1 行第 9 列：无法识别的值（文字要加引号，如 \"合格\"）"),
        (b"= 1", "在第 1 行第 1 列：无法识别的语句"),
        ("[activities.主题党日]".encode(),
         "在第 1 行第 13 列：键名有不允许的字符（中文键名要加引号，如 [activities.\"主题党日\"]）"),
        (b'a = "\\uZZZZ"', "在第 1 行第 8 列：转义的字符编码（\\u 或 \\U 之后）无效"),
        (b'a = "\\uD800"', "在第 1 行第 12 列：转义的字符编码不是有效的字符"),
        (b'a = "C:\\x"', "在第 1 行第 10 列：字符串中的反斜杠 \\ 要写成 \\\\，或改用单引号"),
        (b"a = 1979-02-30", "在第 1 行第 5 列：日期或时间无效"),
        (b"a = 1\na = 2\nb = 3", "在第 2 行第 6 列：重复的键，这一项前面已经写过"),
        (b"a = {b = 1, b = 2}", "在第 1 行第 18 列：花括号里的键重复"),
        (b"[a]\n[a]", "在第 2 行第 3 列：同一个表写了两次"),
        (b"a = [1]\n[[a]]", "在第 2 行第 4 列：不能向写完的花括号表或数组中再加入键"),
        (b"# \x01\n", "在第 1 行第 3 列：有不允许的字符 '\\x01'"),
        (b'a = "\x00"', "在第 1 行第 6 列：有不允许的字符 '\\x00'"),
    ],
)
def test_toml_syntax_errors_keep_line_and_column_in_chinese(tmp_path: Path, content: bytes,
                                                            problem: str) -> None:
    assert problems(write(tmp_path, content)) == [("$", "TOML 格式有误，" + problem)]


def test_an_unknown_toml_message_becomes_a_general_chinese_one() -> None:
    assert toml_problem("Something new (at line 4, column 2)") == \
        "TOML 格式有误，在第 4 行第 2 列：不符合 TOML 的写法"
    assert toml_problem("Something new") == "TOML 格式有误：不符合 TOML 的写法"


def test_a_file_not_in_utf8_names_the_line(tmp_path: Path) -> None:
    content = "name = 'x'\ntitle = '都江堰'\n".encode("gb18030")
    assert problems(write(tmp_path, content)) == [
        ("$", "不是 UTF-8 编码的文字（第 2 行有无法解读的字节），请用 UTF-8 编码保存")]


# -- any number anywhere -----------------------------------------------------------------------
NUMBER = re.compile(r"(?<==[ \t])-?\d+(?:\.\d+)?(?=[ \t]*(?:[,}#\n]))")
SPOTS = [m.span() for m in NUMBER.finditer(DEFAULT)]


def toml_number(value: float) -> str:
    if math.isnan(value):
        return "nan"
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    return repr(value)


def numbers(value: Any) -> Iterator[float | int | Fraction]:
    """Every number in a ruleset as :func:`attrs.asdict` gives it."""
    if isinstance(value, Mapping):
        for item in value.values():
            yield from numbers(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from numbers(item)
    elif isinstance(value, int | float | Fraction) and not isinstance(value, bool):
        yield value


#: A number as TOML text: any float (inf and nan too), any integer up to 10**30, and some edges.
VALUES = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(toml_number),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.sampled_from([str(2**63), str(-(2**63) - 1), str(2**70), "1" + "0" * 4000, "1" + "0" * 5000,
                     "0x" + "f" * 5000, "10000", "-10000", "10001", "10_000.000_1", "0.0", "-0.0",
                     "+0", "1e308", "-1e308", "5e-324", "1e400"]),
)


@settings(max_examples=examples(5), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(spot=st.sampled_from(SPOTS), value=VALUES)
def test_any_number_gives_a_finite_ruleset_or_a_ruleset_error(
        tmp_path_factory: pytest.TempPathFactory, spot: tuple[int, int], value: str) -> None:
    """Any number in place of any number of the default: a Ruleset whose numbers are all
    finite and sane, or a RulesetError in Chinese."""
    assert len(SPOTS) > 50
    text = DEFAULT[:spot[0]] + value + DEFAULT[spot[1]:]
    path = tmp_path_factory.mktemp("number") / "rules.toml"
    path.write_text(text, encoding="utf-8")
    try:
        ruleset = points.load_ruleset(path)
    except RulesetError as error:
        for where, message in error.problems:
            assert where.startswith("$") and english(message) == [], (where, message)
    else:
        for number in numbers(attrs.asdict(ruleset)):
            assert math.isfinite(number) and abs(float(number)) <= 10_000, number
            assert number != 0 or math.copysign(1, number) == 1, number
