"""The argument parser, in Chinese: usage, help with an example for every command, and
usage errors."""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterable
from typing import Any, NoReturn

from .. import _version
from ..rules import shipped_rulesets
from .commands import (
    cmd_check,
    cmd_compare,
    cmd_init,
    cmd_report,
    cmd_rules,
    cmd_score,
)
from .explain import cmd_explain

__all__ = ["parser"]


def _reading(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("files", nargs="+", metavar="FILES",
                     help="工作簿或文件夹（读文件夹中的 .xlsx .xlsm .xlsb .xls .ods .csv；其他文件和"
                          "本程序写出的结果文件不读，在数据问题中注明）；名册、签到表和各种记录可以分在多个文件中")
    sub.add_argument("-r", "--rules", metavar="RULES.toml",
                     help="规则文件或内置规则名（默认：都江堰式分类积分 dujiangyan）")
    sub.add_argument("--year", type=int, help="年度（默认：从表格中判断）")
    sub.add_argument("--branch", metavar="支部", help="只给这个支部计分（名册可以是全镇的）")
    sub.add_argument("--as-of", metavar="DATE", help="统计截至日期，如 2024-06-30（按月预警）")
    sub.add_argument("--cache", metavar="DIR",
                     help="缓存文件夹：每个表格读过一次就存下，各组支部的计分结果也存下，下次只重读改过的文件、"
                          "只重算记录改过的支部（score 默认：复核工作簿旁的“积分缓存”文件夹，可随时删除；"
                          "其他命令默认不用缓存）")
    sub.add_argument("--no-cache", action="store_true", help="不用缓存，每个文件都重新读、全部重新计分")
    sub.add_argument("--dask", metavar="集群",
                     help="在 Dask 集群上按支部分块计分：local（本机启动 2 个工作进程）或调度器地址，"
                          "如 tcp://10.0.0.5:8786；结果与不用集群时相同")
    sub.add_argument("-q", "--quiet", action="store_true", help="不显示进度")


_USAGE_ERRORS = [  # argparse's English messages → Chinese
    (re.compile(r"the following arguments are required: (.*)"), r"缺少参数：\1"),
    (re.compile(r"argument (\S+): invalid choice: (.*?) \(choose from (.*)\)"),
     r"参数 \1 的值 \2 无效，可选：\3"),
    (re.compile(r"argument (\S+): invalid int value: (.*)"), r"参数 \1 的值 \2 不是整数"),
    (re.compile(r"argument (\S+): expected one argument"), r"参数 \1 后面要写一个值"),
    (re.compile(r"argument (\S+): expected at least one argument"), r"参数 \1 后面至少要写一个值"),
    (re.compile(r"unrecognized arguments: (.*)"), r"无法识别的参数：\1"),
]


class _Formatter(argparse.RawDescriptionHelpFormatter):
    def add_usage(self, usage: str | None, actions: Iterable[argparse.Action],
                  groups: Iterable[argparse._MutuallyExclusiveGroup],
                  prefix: str | None = None) -> None:
        super().add_usage(usage, actions, groups, "用法：" if prefix is None else prefix)


class _Parser(argparse.ArgumentParser):
    """An argument parser in Chinese: usage, help, section titles and usage errors (usage,
    then one ``错误：`` line)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["formatter_class"] = _Formatter
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        self._positionals.title = "参数"
        self._optionals.title = "选项"
        self.add_argument("-h", "--help", action="help", help="显示本帮助并退出")

    def error(self, message: str) -> NoReturn:
        for pattern, chinese in _USAGE_ERRORS:
            if pattern.fullmatch(message):
                message = pattern.sub(chinese, message)
                break
        self.print_usage(sys.stderr)
        self.exit(2, f"错误：{message}（用法：{self.prog} --help）\n")


_FMT = argparse.RawDescriptionHelpFormatter


def parser() -> argparse.ArgumentParser:
    """The argument parser of the ``points`` command."""
    fmt = _FMT
    top = _Parser(
        prog="points", formatter_class=fmt,
        description="党员积分制管理：读入签到表和台账，按规则计分、排名、提示复核，写出复核工作簿。",
        epilog="例：points score examples/workbooks -o 复核.xlsx\n"
               "每个命令的用法：points 命令 --help")
    top.add_argument("--version", action="version", version=f"points {_version.__version__}",
                     help="显示版本并退出")
    subs = top.add_subparsers(dest="command", metavar="命令", required=True)
    _score_parser(subs)
    _report_parser(subs)
    _check_and_compare_parsers(subs)
    _other_parsers(subs)
    return top


def _score_parser(subs: argparse._SubParsersAction[_Parser]) -> None:
    fmt = _FMT
    score = subs.add_parser(
        "score", formatter_class=fmt, help="计分并写出复核工作簿",
        description="读入工作簿、计分，写出复核工作簿，并打印简要统计。",
        epilog="例：points score 党员名册.xlsx 签到表.xlsx 积分记录.xlsx -o 2024年积分复核.xlsx\n"
               "    points score examples/workbooks -r hongtong --public 公示.xlsx -o 复核.xlsx")
    _reading(score)
    score.add_argument("-o", "--output", required=True, metavar="REVIEW.xlsx", help="复核工作簿")
    score.add_argument("--public", metavar="PUBLIC.xlsx",
                       help="另写公示版（A4 纵向，党员和发展对象分表，按姓氏笔画排序）；给文件夹"
                            "（不带扩展名）则每个支部各写一份公示，另加全部支部.xlsx")
    score.add_argument("--mask-names", action="store_true", help="公示版姓名显示为 张*三")
    score.add_argument("--per-branch", metavar="DIR", nargs="?", const="",
                       help="另为每个支部各写一个复核工作簿到此文件夹；不写文件夹时只表示"
                            "公示按支部分开（--public 须为文件夹）")
    score.add_argument("--notice-days", type=int, default=5, metavar="天数",
                       help="公示期天数，从制表日期（--date）起算，含当天（默认 5）")
    score.add_argument("--contact", metavar="电话", default="",
                       help="公示期间反馈意见的联系电话或联系方式，写在公示下方")
    score.add_argument("--ledger", choices=["auto", "sheets", "csv", "parquet", "none"],
                       default="auto",
                       help="积分明细：auto（默认）不超过 10 万行时写在工作簿中，更多时另存 Parquet；"
                            "sheets 总写在工作簿中（超过一张表的行数时分成几张表）；"
                            "另存 CSV / Parquet，或不写（none）")
    score.add_argument("--org", metavar="单位",
                       help="每页页眉上的单位名称，如 “中共河西镇委员会”（默认：只有一个支部时为该支部，"
                            "否则为各支部名称或名册文件名开头的镇、乡、街道，找不到则不写）")
    score.add_argument("--date", metavar="DATE",
                       help="每页页脚上的制表日期，如 2025-01-06 或 today（默认：统计截至日或年底，"
                            "同样的输入写出同样的文件）")
    score.set_defaults(run=cmd_score)


def _report_parser(subs: argparse._SubParsersAction[_Parser]) -> None:
    report = subs.add_parser(
        "report", formatter_class=_FMT, help="月报、季报：截至某日每人的积分、出勤率和预警",
        description="按统计截至日（--as-of）写出月报（季末为季报）：每人截至目前的积分、出勤率、"
                    "连续未参加组织生活的月数和距六个月规定还有几个月、预计等次；各支部的预警人数；"
                    "各支部和各项活动逐月的出勤率及趋势图。",
        epilog="例：points report examples/workbooks --as-of 2024-06-30 -o 2024年6月月报.xlsx")
    _reading(report)
    for action in report._actions:  # --as-of is what a report is for: required here
        action.required = action.required or action.dest == "as_of"
    report.add_argument("-o", "--output", required=True, metavar="REPORT.xlsx", help="月报工作簿")
    report.add_argument("--org", metavar="单位", help="每页页眉上的单位名称（默认同 points score）")
    report.add_argument("--date", metavar="DATE", help="每页页脚上的制表日期（默认：统计截至日）")
    report.set_defaults(run=cmd_report)


def _check_and_compare_parsers(subs: argparse._SubParsersAction[_Parser]) -> None:
    fmt = _FMT
    check = subs.add_parser(
        "check", formatter_class=fmt, help="只检查数据问题",
        description="读入并检查工作簿，逐条列出数据问题及其单元格位置；有问题时退出码为 1。",
        epilog="例：points check examples/workbooks")
    _reading(check)
    check.set_defaults(run=cmd_check)

    compare = subs.add_parser(
        "compare", formatter_class=fmt, help="同一批数据换一套规则：谁的等次、档次、排名变了",
        description="用两套规则（-r 与 --with）给同一批工作簿打分，逐人对比总积分、建议等次、"
                    "档次（预备党员、发展对象）和支部排名，打印等次或档次有变化的人；"
                    "-o 另写对比工作簿（全部人员，可筛选）。改规则之前先试算。",
        epilog="例：points compare examples/workbooks --with hongtong -o 对比.xlsx\n"
               "    points compare examples/workbooks -r 规则.toml --with 试算/规则.toml")
    _reading(compare)
    compare.add_argument("--with", dest="with_rules", required=True, metavar="OTHER.toml",
                         help="对比的另一套规则（规则文件或内置规则名）")
    compare.add_argument("-o", "--output", metavar="对比.xlsx", help="另写对比工作簿")
    compare.set_defaults(run=cmd_compare)


def _other_parsers(subs: argparse._SubParsersAction[_Parser]) -> None:
    fmt = _FMT
    init = subs.add_parser(
        "init", formatter_class=fmt, help="生成规则文件和空白模板",
        description="在文件夹中写出一份规则文件（默认规则的副本，带中文注释）和一个模板工作簿"
                    "（党员名册、签到表、负面清单、先锋示范、民主评议），填好后即可计分。",
        epilog="例：points init 我的支部\n    points init 我的支部 -r hongtong")
    init.add_argument("directory", metavar="DIR", help="要写入的文件夹（不存在则创建）")
    init.add_argument("--year", type=int,
                      help="模板的年度（签到表的日期、表名用它；不给时为今年，并打印出来）")
    init.add_argument("-r", "--rules", metavar="RULES",
                      help="复制哪套规则：规则文件或内置规则名（" + "、".join(shipped_rulesets())
                           + "；默认 dujiangyan），模板的下拉列表和示例也取自它")
    init.add_argument("--force", action="store_true", help="覆盖已有的文件")
    init.set_defaults(run=cmd_init)

    rules = subs.add_parser(
        "rules", formatter_class=fmt, help="以表格打印规则",
        description="以中文表格打印规则：活动分值与封顶、扣分、加分项、负面清单、党员类别、等次线……",
        epilog="例：points rules -r hongtong")
    rules.add_argument("-r", "--rules", metavar="RULES.toml", help="规则文件或内置规则名（默认 dujiangyan）")
    rules.set_defaults(run=cmd_rules)

    explain = subs.add_parser(
        "explain", formatter_class=fmt, help="解释一名党员的积分",
        description="打印一名党员的总分、各维度得分、排名、积分明细（每条的规则和来源单元格）和复核提示。",
        epilog="例：points explain JG007 examples/workbooks\n    points explain 贺慧超 examples/workbooks")
    explain.add_argument("member", metavar="MEMBER", help="党员编号或姓名")
    _reading(explain)
    explain.set_defaults(run=cmd_explain)


