"""Every list of codes, defined once: staff roles and findings (the case states are in
cases/lifecycle.py). Stored values are these strings; the names people read are in labels.py."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    """What a console account is for."""

    INTAKE = "intake"  # 综合受理: triages new reports, records letters and visits
    HANDLER = "handler"  # a bureau's staff: works its cases
    SUPERVISOR = "supervisor"  # deadlines, 督办, statistics, audit trails: metadata only
    ADMIN = "admin"  # accounts and hotline tokens: never a report


#: Roles that work cases; they read content only through a bureau membership.
CASE_ROLES = (Role.INTAKE, Role.HANDLER)
#: Roles that are never given a bureau key, so they never read a report.
KEYLESS_ROLES = (Role.SUPERVISOR, Role.ADMIN)


class Finding(StrEnum):
    """What checking a case found (办结), as the statistics count it."""

    SUBSTANTIATED = "substantiated"  # 属实
    PARTLY_SUBSTANTIATED = "partly_substantiated"  # 部分属实
    NOT_SUBSTANTIATED = "not_substantiated"  # 不属实


#: Findings that make a case true enough for a reward.
TRUE_FINDINGS = (Finding.SUBSTANTIATED, Finding.PARTLY_SUBSTANTIATED)


class ReviewResult(StrEnum):
    """What a 回头看 review of a concluded case found; its first finding stays as it was."""

    UPHELD = "upheld"  # 维持原结论
    CHANGED = "changed"  # 改变原结论
    RECTIFY = "rectify"  # 需整改或重新办理


class Grade(StrEnum):
    """How serious a lead is, as a collective study (集体研判) graded it (docs/rules.md §9)."""

    ORDINARY = "ordinary"  # 一般
    IMPORTANT = "important"  # 重要
    MAJOR = "major"  # 重大


class Listing(StrEnum):
    """督办 a body imposes on one case (docs/rules.md §9)."""

    LISTED = "listed"  # 挂牌督办
    JOINT = "joint"  # 联合督办
