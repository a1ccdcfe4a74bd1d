"""The demo city's handed-down case (`qingfeng demo --counties`): the city's bureau hands a
case down (交办) to the same bureau of one county with the order's own deadline; the county
accepts it, reports progress, concludes it and sends its completion report (办结报告) back,
which the city's bureau reads on the case page and follows on its 交办 board.

Built through the same domain functions a real case goes through (submit_report,
levels.hand_down, casework, hand_downs.send_back), so it is sealed, dated and shown exactly
like a real one. Every text is marked invented (虚构), as in intake/domain/demo_cases.py.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from intake.config import Settings
from intake.domain.cases import casework, hand_downs, levels
from intake.domain.cases.content import ReportContent
from intake.domain.cases.reports import Submission, submit_report
from intake.domain.cases.taxonomy import Taxonomy
from intake.domain.codes import Finding
from intake.domain.demo_cases import MARK
from intake.domain.keys.keyring import data_key_for_bureau
from intake.domain.models import Bureau, BureauMembership, Report, StaffMember, Unit

#: The category of the case: the health bureau leads it in every unit.
CATEGORY = "kickbacks"
#: The order's invented number, and the days from receipt to hand-down and to its deadline.
NUMBER = "清市卫交〔2026〕1号（虚构）"
HANDED_AFTER, DEADLINE_DAYS = 2, 30
PROGRESS = MARK + "已调取该院近两年药品采购台账，正在逐笔核对。"
OUTCOME = MARK + "经查属实，已责令该院退还回扣款并对相关人员立案处理。"
COMPLETION = MARK + "经查，反映问题属实，已依法处理并责令整改，现将办理结果报告如下。"


def hand_down_demo_case(
    db: Session,
    settings: Settings,
    taxonomy: Taxonomy,
    city: Unit,
    county: Unit,
    keys: Mapping[int, bytes],
    today: dt.date,
) -> Report:
    """File an invented report with `city`, hand it down to `county`'s bureau of the same
    kind, and work it there to its completion report; `keys` holds each bureau's private key
    by bureau id (the demo made them a moment ago). Commits and returns the case."""
    received = today - dt.timedelta(days=HANDED_AFTER + 10)
    content = ReportContent(
        what_happened=MARK + "某县医院（虚构）药剂科长期收受医药代表回扣，涉及全市多家医院。",
        institution="某县人民医院（虚构）",
        when="演示用，虚构",
    )
    submission = Submission(CATEGORY, False, content, unit=city.code)
    report = submit_report(db, settings, taxonomy, submission, received).report
    upper = report.lead_bureau
    lower = db.scalars(
        select(Bureau).where(Bureau.unit_id == county.id, Bureau.code == upper.code)
    ).one()
    key = data_key_for_bureau(report, upper.code, keys[upper.id], upper.id)

    handed = received + dt.timedelta(days=HANDED_AFTER)
    issuer = upper.name_zh or taxonomy.bureau(upper.code).name_zh
    order = hand_downs.Order(NUMBER, issuer, handed, handed + dt.timedelta(days=DEADLINE_DAYS))
    _order, key = levels.hand_down(
        db, report, key, _actor(db, upper, handed, settings), lower, order
    )

    # The county's bureau opens it with its own key, accepts it and reports back.
    key = data_key_for_bureau(report, lower.code, keys[lower.id], lower.id)
    day = handed + dt.timedelta(days=1)
    key = casework.accept(
        report, key, _actor(db, lower, day, settings), settings, taxonomy.intake_desk.code
    )
    day += dt.timedelta(days=3)
    hand_downs.send_back(
        report, key, _actor(db, lower, day, settings), hand_downs.PROGRESS, day,
        "乙卫函〔2026〕3号（虚构）", PROGRESS,
    )  # fmt: skip
    day += dt.timedelta(days=4)
    casework.conclude(
        report, key, _actor(db, lower, day, settings), OUTCOME, Finding.SUBSTANTIATED,
        disposal="handled",
    )  # fmt: skip
    hand_downs.send_back(
        report, key, _actor(db, lower, day, settings), hand_downs.COMPLETION, day,
        "乙卫函〔2026〕4号（虚构）", COMPLETION,
    )  # fmt: skip
    db.commit()
    return report


def _actor(db: Session, bureau: Bureau, day: dt.date, settings: Settings) -> casework.Actor:
    """The bureau's demo member, at a working hour of `day`."""
    member = db.scalars(
        select(StaffMember)
        .join(BureauMembership, BureauMembership.staff_id == StaffMember.id)
        .where(BureauMembership.bureau_id == bureau.id)
        .order_by(StaffMember.id)
    ).first()
    if member is None:
        raise LookupError(f"no demo member holds bureau {bureau.id}")
    when = dt.datetime.combine(day, dt.time(9, 30), dt.UTC)
    return casework.Actor(member, when, day, secret_key=settings.secret_key)
