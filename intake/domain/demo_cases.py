"""Invented sample cases for the demo installation, so its first look is not empty.

Each case is submitted and worked through the same domain functions a real one goes through
(submit_report, casework), so it is sealed, routed, dated and counted exactly like a real
case: the queue, the overdue board, the statistics and the public figures all show it. Every
text says it is demo data (演示数据) and invented (虚构); no person, hospital or number in it
is real. Only the demo calls this, right after install_demo made the bureaus' keys.

Cases are spread over the last three months; some are new, accepted, in progress,
transferred, handed over, not accepted, overdue (to decide or to conclude), concluded with
each finding, one with a reward claimed, and several with messages both ways.

Concluded cases record outcomes (docs/rules.md §11) so the 台账 and the 统计表 show them: the
disposal the governing rule allows, the measures of MEASURES for their category when the
report was (partly) substantiated, two 整改 items of which one is done a few days later, and
one approved 典型案例; the case handed over carries its letter (移送函) and the organ's reply.
All amounts and numbers are invented.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from intake.config import Settings
from intake.domain.cases import casework, outcomes
from intake.domain.cases.content import Contact, ReportContent
from intake.domain.cases.reports import Submission, submit_report
from intake.domain.cases.taxonomy import Taxonomy
from intake.domain.codes import Finding, Role
from intake.domain.keys.keyring import data_key_for_bureau
from intake.domain.models import Bureau, BureauMembership, Report, StaffMember

#: Every sample text starts with this, so no one can take a sample case for a real one.
MARK = "【演示数据·虚构】"

#: What happens to a sample case (the names the tests and the summary use).
FATES = (
    "new",
    "accepted",
    "in_progress",
    "messages",
    "transferred",
    "handed_over",
    "not_accepted",
    "overdue_decision",
    "overdue_conclusion",
    "concluded",
    "reward_claimed",
)

#: (days ago the case was received, category, fate), oldest first: three months of cases,
#: most of them in two categories so that the public figures (which hide numbers below 5)
#: show some months.
PLAN: tuple[tuple[int, str, str], ...] = (
    # Two to three months ago: mostly concluded.
    (89, "kickbacks", "overdue_conclusion"),
    (86, "insurance_fraud", "reward_claimed"),
    (84, "insurance_fraud", "concluded"),
    (82, "kickbacks", "concluded"),
    (80, "insurance_fraud", "concluded"),
    (78, "overtreatment", "not_accepted"),
    (76, "insurance_fraud", "handed_over"),
    (74, "kickbacks", "concluded"),
    (72, "insurance_fraud", "concluded"),
    (70, "red_envelopes", "concluded"),
    (68, "kickbacks", "not_accepted"),
    (66, "insurance_fraud", "concluded"),
    (64, "kickbacks", "concluded"),
    (62, "advertising_pricing", "concluded"),
    # One to two months ago: some concluded, some still being handled, some overdue.
    (58, "insurance_fraud", "concluded"),
    (56, "kickbacks", "transferred"),
    (54, "insurance_fraud", "messages"),
    (52, "kickbacks", "concluded"),
    (50, "insurance_fraud", "concluded"),
    (48, "illegal_practice", "in_progress"),
    (46, "insurance_fraud", "overdue_decision"),
    (44, "kickbacks", "messages"),
    (42, "insurance_fraud", "in_progress"),
    (40, "kickbacks", "not_accepted"),
    (38, "procurement", "overdue_decision"),
    (36, "insurance_fraud", "concluded"),
    (34, "kickbacks", "accepted"),
    (32, "overtreatment", "concluded"),
    # The last month: new cases, first decisions, conversations under way.
    (28, "insurance_fraud", "in_progress"),
    (26, "kickbacks", "in_progress"),
    (24, "insurance_fraud", "messages"),
    (22, "advertising_pricing", "transferred"),
    (20, "kickbacks", "messages"),
    (18, "insurance_fraud", "accepted"),
    (16, "kickbacks", "accepted"),
    (14, "insurance_fraud", "transferred"),
    (12, "red_envelopes", "accepted"),
    (10, "kickbacks", "new"),
    (7, "insurance_fraud", "new"),
    (5, "overtreatment", "new"),
    (3, "kickbacks", "new"),
    (1, "insurance_fraud", "new"),
)

_STORIES = {
    "insurance_fraud": (
        "某民营医院组织“免费体检”收集参保人医保卡，虚构住院记录套取医保基金。",
        "某药店用医保卡刷取生活用品，按药品名称上传结算。",
        "某康复医院对未到院的参保人虚记理疗项目。",
    ),
    "kickbacks": (
        "某科室按耗材用量向医生返点，每月现金结算。",
        "某医药代表按处方量给医生发“讲课费”。",
        "某器械公司按台数给设备科负责人回扣。",
    ),
    "overtreatment": ("某医院对普通感冒患者常规开具全套影像检查。",),
    "red_envelopes": ("某科室医生手术前收受患者家属红包。",),
    "advertising_pricing": ("某诊所广告宣称“根治”慢性病，收费未明码标价。",),
    "illegal_practice": ("某小区有人无证开设诊所，为居民输液。",),
    "procurement": ("某医院设备采购招标参数明显指向一家供应商。",),
}
_INSTITUTIONS = ("演示县第一人民医院（虚构）", "演示县中医院（虚构）", "演示镇卫生院（虚构）")
_FINDINGS = (Finding.SUBSTANTIATED, Finding.NOT_SUBSTANTIATED, Finding.PARTLY_SUBSTANTIATED)
_OUTCOMES = {
    Finding.SUBSTANTIATED: "经核查属实，已责令整改并追回相关款项，相关人员已处理。",
    Finding.PARTLY_SUBSTANTIATED: "经核查部分属实，已责令整改；其余情况未发现问题。",
    Finding.NOT_SUBSTANTIATED: "经核查，未发现所反映的问题。感谢您的监督。",
}
#: Measures recorded when a sample case of the category is found (partly) substantiated:
#: amounts in fen, the others counts (cases/outcomes.py, Kind). Invented figures.
MEASURES: dict[str, dict[str, int]] = {
    "insurance_fraud": {
        outcomes.Kind.FUND_RECOVERED: 1_280_000,
        outcomes.Kind.FINES: 2_560_000,
        outcomes.Kind.ADMIN_PENALTIES: 1,
        outcomes.Kind.AGREEMENTS: 1,
    },
    "kickbacks": {
        outcomes.Kind.KICKBACKS_RETURNED: 600_000,
        outcomes.Kind.SANCTIONS: 1,
        outcomes.Kind.ADMONITIONS: 1,
    },
    "red_envelopes": {outcomes.Kind.KICKBACKS_RETURNED: 200_000, outcomes.Kind.ADMONITIONS: 1},
    "advertising_pricing": {outcomes.Kind.FINES: 500_000, outcomes.Kind.ADMIN_PENALTIES: 1},
    "overtreatment": {outcomes.Kind.ADMIN_PENALTIES: 1},
}
#: 整改 items of a (partly) substantiated sample case; the first is done a few days later.
ITEMS = (MARK + "完善内部监督制度，建立专项检查台账。", MARK + "对相关人员开展警示教育。")
#: The 移送函 of the handed-over sample case, and the organ's answer (立案).
LETTER, REPLY = "演示移〔2026〕1号（虚构）", "filed"
#: Disposal by governing rule: when (partly) substantiated, and when not.
_DISPOSALS = {
    outcomes.Rule.INSURANCE: (outcomes.Disposal.OPENED, outcomes.Disposal.NOT_OPENED),
    outcomes.Rule.DISCIPLINE: (outcomes.Disposal.VERIFY, outcomes.Disposal.CLOSE),
    outcomes.Rule.PETITION: (outcomes.Disposal.HANDLED, outcomes.Disposal.NOT_HANDLED),
}


def sample_finding(number: int, fate: str) -> Finding | None:
    """The finding the sample case `number` of PLAN is concluded with (None: not concluded)."""
    if fate == "reward_claimed":
        return Finding.SUBSTANTIATED
    return _FINDINGS[number % 3] if fate == "concluded" else None


@dataclass(frozen=True)
class SampleCases:
    """The sample cases made: their references, by fate."""

    references: dict[str, list[str]]

    @property
    def total(self) -> int:
        """How many sample cases there are."""
        return sum(len(refs) for refs in self.references.values())

    def counts(self) -> Counter[str]:
        """How many cases met each fate."""
        return Counter({fate: len(refs) for fate, refs in self.references.items()})


def add_sample_cases(
    db: Session,
    settings: Settings,
    taxonomy: Taxonomy,
    bureau_keys: Mapping[str, bytes],
    today: dt.date,
) -> SampleCases:
    """Submit and work the sample cases of PLAN, dated back from `today`; commit them.

    `bureau_keys` holds every bureau's private key (the demo made them a moment ago), with
    which each bureau's demo member opens the data key as they would in the console.
    """
    bureaus = {b.code: b for b in db.scalars(select(Bureau))}
    members = _members_by_bureau(db)
    supervisor = db.scalars(select(StaffMember).where(StaffMember.role == Role.SUPERVISOR)).first()
    desk = taxonomy.intake_desk.code
    references: dict[str, list[str]] = {fate: [] for fate in FATES}
    for number, (days_ago, category, fate) in enumerate(PLAN):
        received = today - dt.timedelta(days=days_ago)
        next_day = _Days(received, today)
        report = _submit(db, settings, taxonomy, category, received, number)
        references[fate].append(report.reference)
        if fate == "new" or fate == "overdue_decision":
            db.commit()
            continue
        lead = report.lead_bureau.code
        key = data_key_for_bureau(report, lead, bureau_keys[lead])

        def actor(day: dt.date, report: Report = report) -> casework.Actor:
            # The lead bureau's member, at a working hour of that day.
            staff = members[report.lead_bureau.code]
            return casework.Actor(
                staff,
                dt.datetime.combine(day, dt.time(9, 30), dt.UTC),
                day,
                secret_key=settings.secret_key,
            )

        if fate == "not_accepted":
            reason = MARK + "所反映问题不属于本专项整治范围，已告知向相关部门反映的途径。"
            casework.not_accept(report, key, actor(next_day()), reason, desk)
            db.commit()
            continue
        if fate == "transferred":
            to = "market_regulation" if lead != "market_regulation" else "health"
            casework.transfer(report, key, actor(next_day()), bureaus[to], False)
            db.commit()
            continue
        key = casework.accept(report, key, actor(next_day()), settings, desk)
        if fate == "accepted":
            db.commit()
            continue
        casework.assign(report, actor(next_day()), members[lead])
        if fate in ("messages", "reward_claimed"):
            day = next_day()
            casework.send_to_reporter(
                report, key, actor(day), MARK + "请问您能否提供大致的时间和涉及的科室？"
            )
            casework.reporter_writes(
                report, key, next_day(), MARK + "大约是上个月，涉及住院部和收费处。"
            )
        if fate == "handed_over":
            police = taxonomy.hand_over_target("police")
            if police is None:
                raise LookupError("the taxonomy lists no hand-over target 'police'")
            police_bureau = bureaus.get(police.bureau) if police.bureau else None
            day = next_day()
            casework.hand_over(report, key, actor(day), police, police_bureau, LETTER, day)
            answered = next_day()
            casework.hand_over_reply(report, actor(answered), REPLY, answered)
        elif fate == "overdue_conclusion" and supervisor is not None:
            casework.mark_major(report, actor(next_day()), True)
            supervise = casework.Actor(
                supervisor, dt.datetime.now(dt.UTC), today, secret_key=settings.secret_key
            )
            casework.supervise(report, supervise, MARK + "请加快核查进度，按期办结。")
        elif fate in ("concluded", "reward_claimed"):
            finding = sample_finding(number, fate) or Finding.NOT_SUBSTANTIATED
            _conclude(db, report, key, actor, next_day, finding)
            if fate == "reward_claimed" and supervisor is not None:
                typical = casework.propose_typical(
                    report, actor(next_day()), MARK + "某民营医院虚构住院套取医保基金案",
                    MARK + "经查，某民营医院（虚构）以“免费体检”为名收集参保人医保卡，虚构住院记录"
                    "套取医保基金。医保部门追回基金并处罚款，暂停其医保服务协议。",
                )  # fmt: skip
                db.add(typical)
                casework.approve_typical(
                    typical,
                    casework.Actor(
                        supervisor, dt.datetime.now(dt.UTC), today, secret_key=settings.secret_key
                    ),
                )
            if fate == "reward_claimed" and casework.reward_open(report, settings):
                claim = casework.RewardClaim(
                    "演示举报人（虚构）", "00000000000", "演示银行账户（虚构）"
                )
                casework.claim_reward(report, key, settings, next_day(), claim)
        db.commit()
    return SampleCases(references)


def _conclude(
    db: Session,
    report: Report,
    key: bytes,
    actor: Callable[[dt.date], casework.Actor],
    next_day: _Days,
    finding: Finding,
) -> None:
    """办结 with the outcomes a sample case of its category and finding records."""
    found = finding != Finding.NOT_SUBSTANTIATED
    yes, no = _DISPOSALS[outcomes.governing_rule(report)]
    casework.conclude(
        report, key, actor(next_day()), MARK + _OUTCOMES[finding], finding,
        disposal=yes if found else no,
        measures=MEASURES.get(report.category, {}) if found else {},
        items=ITEMS if found else (),
    )  # fmt: skip
    if found:
        db.flush()  # the items' ids
        first = min(item.id for item in report.rectifications)
        casework.update_outcome(report, key, actor(next_day()), {}, done={first})


class _Days:
    """The days a case's steps happen on: a few days apart after receipt, never after today."""

    def __init__(self, received: dt.date, today: dt.date) -> None:
        self.day, self.today = received, today

    def __call__(self) -> dt.date:
        self.day = min(self.day + dt.timedelta(days=3), self.today)
        return self.day


def _submit(
    db: Session,
    settings: Settings,
    taxonomy: Taxonomy,
    category: str,
    received: dt.date,
    number: int,
) -> Report:
    stories = _STORIES[category]
    story = stories[number % len(stories)]
    content = ReportContent(
        what_happened=f"{MARK}{story}（演示用的虚构举报，第{number + 1}号。）",
        institution=_INSTITUTIONS[number % len(_INSTITUTIONS)],
        when="演示用，虚构",
    )
    channel = ("web", "web", "hotline", "letter")[number % 4]
    contact = Contact("演示实名举报人（虚构）", "00000000000") if number % 9 == 4 else None
    submission = Submission(
        category,
        False,
        content,
        contact=contact,
        channel=channel,
        source="12345" if channel == "hotline" else None,
    )
    return submit_report(db, settings, taxonomy, submission, received).report


def _members_by_bureau(db: Session) -> dict[str, StaffMember]:
    """One member of each bureau: the one who acts on its sample cases."""
    out: dict[str, StaffMember] = {}
    rows = db.execute(
        select(Bureau.code, StaffMember)
        .join(BureauMembership, BureauMembership.bureau_id == Bureau.id)
        .join(StaffMember, StaffMember.id == BureauMembership.staff_id)
        .order_by(StaffMember.id)
    )
    for code, member in rows:
        out.setdefault(code, member)
    return out
