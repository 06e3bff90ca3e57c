"""Text as people type it (points.vocab.text): names compared after NFKC and without white
space, "did you mean …" suggestions, spreadsheet column letters."""

from __future__ import annotations

import itertools
import math
import string
import unicodedata

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import examples
from points.vocab.text import (
    column_letter,
    did_you_mean,
    map_names,
    normalize_name,
    normalize_names,
    normalized_distinct,
    suggestion,
    suggestion_zh,
)

CHEAP = settings(max_examples=examples(5))  # microseconds an example
PANDAS = settings(max_examples=examples(2))  # tens of milliseconds an example

WHITE = " \t\n\r\u3000\xa0\u2002\u200a\x0b\x0c"  # ASCII, ideographic, no-break and thin spaces
white = st.text(st.sampled_from(WHITE), min_size=1, max_size=3)
_JAMO = [(0x1100, 0x11FF), (0x3130, 0x318F), (0xA960, 0xA97F), (0xD7B0, 0xD7FF), (0xFFA0, 0xFFDC)]


def _typed(ch: str) -> bool:
    """Characters whose NFKC form holds no combining mark and no Hangul jamo: removing white
    space beside those can compose a new character (see the xfail test below)."""
    return not any(unicodedata.category(c).startswith("M")
                   or any(lo <= ord(c) <= hi for lo, hi in _JAMO)
                   for c in unicodedata.normalize("NFKC", ch))


typed = st.text(st.characters(exclude_categories=("Cs",)).filter(_typed), max_size=20)
NAMES = ["志愿服务", "表彰(县级)", "支部党员大会", "主题党日", "党课", "未按时交纳党费"]
FULL = {ord(c): chr(ord(c) + 0xFEE0) for c in string.ascii_letters + string.digits + "()"}


@st.composite
def typed_as(draw: st.DrawFn, name: str) -> str:
    """``name`` as someone might type it: full-width letters and brackets, spaces anywhere."""
    if draw(st.booleans()):
        name = name.translate(FULL)
    out = ""
    for ch in name:
        out += draw(st.just("") | white) + ch
    return out + draw(st.just("") | white)


def variant() -> st.SearchStrategy[tuple[str, str]]:
    return st.sampled_from(NAMES).flatmap(lambda n: st.tuples(st.just(n), typed_as(n)))


@CHEAP
@given(st.text())
def test_normal_names_hold_no_white_space_whatever_the_text(text: str) -> None:
    assert not any(ch.isspace() for ch in normalize_name(text))


@CHEAP
@given(typed)
def test_normalising_is_idempotent_and_nfkc(text: str) -> None:
    once = normalize_name(text)
    assert normalize_name(once) == once
    assert unicodedata.is_normalized("NFKC", once)


@CHEAP
@given(typed, white, typed)
def test_white_space_anywhere_changes_nothing(before: str, space: str, after: str) -> None:
    assert normalize_name(before + space + after) == normalize_name(before + after)


@pytest.mark.xfail(strict=True, reason="normalize_name removes white space after NFKC: a "
                   "combining mark or a Hangul vowel that followed the space then joins the "
                   "character before it, and only a second NFKC composes them")
@pytest.mark.parametrize("text", ["e\u00b4", "e \u0301", "\u1100 \u1161"])
def test_normalising_text_that_composes_once_spaces_are_gone(text: str) -> None:
    once = normalize_name(text)
    assert normalize_name(once) == once


#: Texts that test joining: combining marks and Hangul jamo (which compose with what comes
#: before them), white space, U+0000 (the joining character itself), anything else.
joinable = st.text(st.sampled_from(["\u0301", "\u1161", "\u11a8", "\u1100", "e", "\uac00",
                                    " ", "\u3000", "\x00", "Ａ", "张"]) | st.characters(
    exclude_categories=("Cs",)), max_size=6)


@CHEAP
@given(st.lists(joinable, max_size=8))
def test_texts_normalised_together_are_each_normalised_alone(texts: list[str]) -> None:
    assert normalize_names(texts) == [normalize_name(t) for t in texts]


def test_texts_normalised_together_do_not_compose_across_their_joins() -> None:
    # each alone: nothing composes (the mark and the vowel start their texts)
    texts = ["e", "\u0301", "\u1100", "\u1161", " 张 ", "", "Ａ\x00Ｂ"]
    assert normalize_names(texts) == ["e", "\u0301", "\u1100", "\u1161", "张", "", "A\x00B"]
    assert normalize_names([]) == [] and normalize_names([""]) == [""]


@CHEAP
@given(st.lists(joinable | st.integers(-3, 3) | st.sampled_from(
    [None, math.nan, 1.0, 0.0, -0.0, True, False, 1005.0, 2.5]), max_size=12))
def test_distinct_values_normalised_are_each_value_converted(values: list) -> None:
    array = np.empty(len(values), dtype=object)
    array[:] = values
    def convert(value: object) -> str:
        return f"<{value!r}>"
    assert normalized_distinct(array, convert).tolist() == [
        normalize_name(v) if isinstance(v, str) else convert(v) for v in values]
    assert normalized_distinct(array).tolist() == [
        normalize_name(v) if v is not None and v == v else "" for v in values]


def test_full_width_forms_are_their_plain_forms() -> None:
    for code in range(0xFF01, 0xFF5F):  # ！ … ～
        assert normalize_name(chr(code)) == chr(code - 0xFEE0)
    assert normalize_name("表彰（县级）") == normalize_name("表彰(县级)") == "表彰(县级)"
    assert normalize_name(" 张  三\u3000") == "张三"
    assert normalize_name(None) == "" and normalize_name(1005) == "1005"


@PANDAS
@given(st.lists(variant() | st.tuples(st.just(None), st.sampled_from(["读书会", "", "x"])),
                max_size=12))
def test_map_names_maps_every_typing_of_a_name_and_nothing_else(pairs: list) -> None:
    names = {normalize_name(n): n for n in NAMES}
    index = pd.Index([f"r{i}" for i in range(len(pairs))])
    values = pd.Series([typed for _, typed in pairs], index=index, dtype=object)
    got = map_names(values, names)
    assert str(got.dtype) == "string" and got.index.equals(index)
    assert [None if pd.isna(v) else v for v in got] == [name for name, _ in pairs]


def test_map_names_of_missing_values_and_an_empty_column() -> None:
    got = map_names(pd.Series([None, float("nan"), "党 课"]), {"党课": "党课"})
    assert got.isna().tolist() == [True, True, False] and got.iloc[2] == "党课"
    assert map_names(pd.Series([], dtype=object), {"党课": "党课"}).empty


@CHEAP
@given(variant(), st.lists(st.sampled_from([*NAMES, "党费", "表彰(市级)"]), unique=True))
def test_a_name_typed_differently_is_suggested_first(pair: tuple[str, str],
                                                    others: list[str]) -> None:
    name, typed_name = pair
    pool = [*others, name]
    close = did_you_mean(typed_name, pool)
    assert close[0] == name
    assert len(close) <= 3 and len(set(close)) == len(close) and set(close) <= set(pool)
    assert suggestion_zh(typed_name, pool) == "（是不是 " + " 或 ".join(map(repr, close)) + "？）"
    assert suggestion(typed_name, pool) == " (did you mean " + " or ".join(map(repr, close)) + "?)"


def test_suggestions_are_close_names_or_nothing() -> None:
    assert did_you_mean("志愿服物", NAMES) == ["志愿服务"]
    assert did_you_mean("主题党日", NAMES, n=1) == ["主题党日"]
    assert did_you_mean("abc", NAMES) == [] and did_you_mean("党课", []) == []
    assert suggestion_zh("abc", NAMES) == "" and suggestion("abc", NAMES) == ""
    assert suggestion_zh("支部党员大", NAMES) == "（是不是 '支部党员大会'？）"


def letters_index(letters: str) -> int:
    """The inverse of column_letter: ``A`` → 0, ``Z`` → 25, ``AA`` → 26 (bijective base 26)."""
    number = 0
    for ch in letters:
        assert "A" <= ch <= "Z"
        number = number * 26 + ord(ch) - ord("A") + 1
    return number - 1


def test_column_letters_are_every_name_of_up_to_three_letters_once() -> None:
    names = [column_letter(i) for i in range(26 + 26**2 + 26**3)]
    expected = ["".join(p) for k in (1, 2, 3)
                for p in itertools.product(string.ascii_uppercase, repeat=k)]
    assert names == expected  # in spreadsheet order: A … Z, AA … ZZ, AAA … ZZZ
    assert [letters_index(n) for n in names] == list(range(len(names)))
    assert (column_letter(0), column_letter(25), column_letter(26), column_letter(16383)) == (
        "A", "Z", "AA", "XFD")  # XFD: Excel's last column


@CHEAP
@given(st.integers(0, 10**12))
def test_column_letter_and_its_inverse(index: int) -> None:
    assert letters_index(column_letter(index)) == index


@CHEAP
@given(st.text(st.sampled_from(string.ascii_uppercase), min_size=1, max_size=8))
def test_letters_and_back(letters: str) -> None:
    assert column_letter(letters_index(letters)) == letters
