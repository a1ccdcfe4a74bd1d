"""Names as the blind index compares them (docs/rules.md §9): the variants a reporter types
meet, and names that say nothing are not indexed."""

from __future__ import annotations

import pytest

from intake.domain.cases.names import institution_key, person_keys


@pytest.mark.parametrize(
    "variant",
    [
        "康泰口腔医院",
        "康泰口腔医院有限公司",
        "康泰口腔医院有限责任公司",
        "康泰口腔醫院",  # traditional
        "ＫＴ康泰 口腔 医院".replace("ＫＴ", ""),  # full-width spaces and letters
        "康泰口腔医院（东院区）",
        "康泰口腔医院分院",
        "康泰口腔门诊部",
        "康泰口腔诊所",
    ],
)
def test_variants_of_an_institution_meet(variant: str) -> None:
    assert institution_key(variant) == "康泰口腔"


def test_full_width_letters_and_case_meet() -> None:
    assert institution_key("ＡＢＣ Clinic 诊所") == institution_key("abcclinic")


@pytest.mark.parametrize("vague", ["医院", "某医院", "诊所", "  ", "有限公司"])
def test_a_name_that_says_nothing_is_not_indexed(vague: str) -> None:
    assert institution_key(vague) is None


def test_different_institutions_stay_apart() -> None:
    assert institution_key("仁和医院") != institution_key("仁爱医院")
    # A place prefixed is not removed: the limit docs/rules.md §9 states.
    assert institution_key("北京市仁和医院") != institution_key("仁和医院")


def test_people_are_split_and_their_titles_dropped() -> None:
    assert person_keys("张三（主任）、李四；王五医生 及 赵六") == ["张三", "李四", "王五", "赵六"]
    assert person_keys("張三主任") == ["张三"]
    assert person_keys("张三 李四") == ["张三", "李四"]
    assert person_keys("Zhang San") == ["zhangsan"]
    assert person_keys("王主任、某医生") == []
