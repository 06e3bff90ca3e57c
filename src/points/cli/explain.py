"""``points explain``: one member's points, line by line — the totals by dimension, the branch
rank and grade, every ledger row with its rule and source cell, and the review flags with their
evidence. A member not on the roster is refused before anyone is scored."""

from __future__ import annotations

import argparse

import pandas as pd

from ..records import Records
from ..report import ledger_table
from ..vocab.text import normalize_name, suggestion_zh
from . import terminal
from .commands import CommandError, assess_args

__all__ = ["cmd_explain"]


def _matching(people: pd.DataFrame, member: str) -> pd.DataFrame:
    """The rows of ``people`` that are ``member``: by 党员编号, else by name (none unnamed)."""
    if len(found := people[people["member_id"] == member]):
        return found
    names = people["name"].dropna().map(normalize_name)
    return people.loc[names.index[names == normalize_name(member)]]


def _on_roster(records: Records, member: str) -> None:
    """Refuse a ``member`` not on the roster before scoring anyone (a city takes a minute)."""
    if _matching(records.roster, member).empty:
        names = records.roster["name"].dropna().map(normalize_name)
        raise CommandError(f"找不到党员“{member}”（按党员编号或姓名查找）"
                           + suggestion_zh(normalize_name(member), sorted(set(names))))


def cmd_explain(args: argparse.Namespace) -> int:
    result = assess_args(args, vet=lambda records: _on_roster(records, args.member))
    who = _matching(result.rankings, args.member)
    if who.empty:
        raise CommandError(f"找不到党员“{args.member}”（按党员编号或姓名查找）")
    if len(who) > 1:
        listed = "、".join(f"{r.member_id}（{r.branch}）" for r in who.itertuples())
        raise CommandError(f"有 {len(who)} 人名叫“{args.member}”：{listed}；请改用党员编号")
    person = who.iloc[0]
    member_id = person["member_id"]
    totals = result.totals.set_index("member_id").loc[member_id]
    print(f"{person['name']}（{member_id}，{person['branch']}，{person['category']}）{result.period_text}")
    parts = [f"{label} {totals[dim]:.1f}" for dim, label in result.dimension_labels.items()
             if dim in totals.index and pd.notna(totals[dim])]
    print("；".join(parts))
    grade = person["grade"] if pd.notna(person["grade"]) else person["candidate_band"]
    print(f"支部排名 {person['branch_rank']}；建议等次 {grade if pd.notna(grade) else '—'}")
    ledger = ledger_table(result)
    mine = ledger[ledger["党员编号"] == member_id]
    print(f"\n积分明细 {len(mine)} 条：")
    shown = mine.assign(日期=mine["日期"].dt.strftime("%Y-%m-%d"))[["日期", "规则", "积分", "来源"]]
    print(terminal.table(shown.fillna("")) if len(mine) else "  （无）")
    flags = result.flags[result.flags["member_id"] == member_id]
    print(f"\n复核提示 {len(flags)} 条" + ("：" if len(flags) else ""))
    for row in flags.itertuples():
        print(f"  · {row.label} → {row.action}\n    {row.evidence}")
    return 0


