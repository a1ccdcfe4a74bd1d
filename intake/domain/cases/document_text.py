"""The words of each document (文书), drawn from the case when it is opened (docs/rules.md §10).

Documents are issued in Chinese, whatever language the member reads the console in: the
caller turns the names of codes (findings, disposals, measures, deadline bases) into text with
the Chinese catalog in force. What the reporter wrote, the reason for a refusal, an outcome,
an extension's reason and where a refused reporter may turn instead are opened with the
case's data key for as long as the document is being drawn, and never stored with it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from intake.config import Settings
from intake.domain.cases import casework, hand_downs, outcomes, profiles
from intake.domain.cases.documents import KINDS, chinese_date, where_instead
from intake.domain.cases.extensions import told
from intake.domain.cases.reports import open_with_key
from intake.domain.cases.taxonomy import Taxonomy
from intake.domain.labels import DISPOSAL_NAMES, FINDING_NAMES, MEASURE_NAMES
from intake.domain.models import CaseDocument, HandDown, Report
from intake.domain.wording import Wording

#: 《信访工作条例》: a petitioner who disagrees asks the level above for a review (复查)
#: within 30 days (docs/rules.md §8).
REVIEW_NOTICE = (
    "如对本答复意见不服，可以自收到本意见书之日起三十日内，向本机关的上一级机关请求复查。"
)


#: The working days a bureau has to answer a 督办函 (docs/rules.md §10).
SUPERVISION_REPLY_DAYS = 5


@dataclass(frozen=True)
class Text:
    """A document as both renderings print it."""

    title: str
    reference: str
    addressee: str
    paragraphs: tuple[str, ...]
    issuer: str
    date: str
    #: The line asking for the seal (盖章) under the issuer's name.
    seal: str = "（盖章）"


def compose(
    document: CaseDocument,
    report: Report,
    data_key: bytes | None,
    taxonomy: Taxonomy,
    settings: Settings,
) -> Text:
    """The document's words, from the case as it stands and the deadline as it stood when
    the document was issued. `data_key` may be None only for a 督办函, which a supervisor
    opens without one."""
    issuer = taxonomy.bureau(document.bureau.code).name_zh
    if document.kind == "supervision":
        lead = taxonomy.bureau(report.lead_bureau.code).name_zh
        addressee, body = f"{lead}：", _supervision(document, report, taxonomy, settings)
        issuer = _office(taxonomy, settings)
    elif data_key is None:
        raise ValueError("only a 督办函 is drawn without the case's key")
    elif document.kind == "conclusion_report":
        # A case handed down reports to the office that handed it down, citing its order.
        link = hand_downs.link_of(report)
        order = link.hand_down if link is not None else None
        sender = order.issuer if order is not None else report.source
        addressee = f"{sender or _office(taxonomy, settings)}："
        body = _conclusion_report(report, data_key, order)
    elif document.kind == "hand_over":
        target = taxonomy.hand_over_target(report.handed_over_to or "")
        addressee = f"{target.name_zh if target else report.handed_over_to}："
        body = _hand_over(report, data_key)
    else:
        opened = open_with_key(report, data_key)
        contact = opened.contact
        addressee = f"{contact.name}：" if contact and contact.name else "举报人："
        body = _notice(document, report, data_key, taxonomy, settings)
    return Text(
        title=KINDS[document.kind].title,
        reference=document.reference,
        addressee=addressee,
        paragraphs=tuple(p for p in body if p),
        issuer=issuer,
        date=chinese_date(document.issued_on),
    )


def _notice(
    document: CaseDocument, report: Report, data_key: bytes, taxonomy: Taxonomy, settings: Settings
) -> list[str]:
    """A notice to the reporter: 受理、不予受理、延期告知书 or 答复意见书."""
    case = f"你于{chinese_date(report.received_on)}反映的问题（案件编号{report.reference}）"
    match document.kind:
        case "acceptance":
            # The limit as it ran the day the notice was issued, extended or not.
            approved = report.extension_approved_on
            extended = approved is not None and approved <= document.issued_on
            basis = profiles.basis(report, "conclusion", taxonomy, settings, "zh", extended)
            return [
                f"{case}已收悉。经审查，本机关于{_date(report.accepted_on)}决定受理。",
                f"本机关将于{_date(document.due_on)}前办结（{basis}），"
                "办理结果将告知你。如有新的情况或材料，可凭查询码在举报平台补充。",
            ]
        case "refusal":
            return [
                f"{case}已收悉。经审查，本机关决定不予受理，理由如下：",
                casework.public_reason(report, data_key) or "",
                f"你反映的问题，可以向{where_instead(document, report, data_key)}反映。",
            ]
        case "extension":
            extension = told(report, data_key)
            return [
                f"{case}，本机关已于{_date(report.accepted_on)}受理。因情况复杂，"
                "不能在规定期限内办结，经本机关负责人批准，办理期限延长至"
                f"{_date(document.due_on)}。延期理由如下：",
                extension.reason if extension else "",
            ]
    body = [
        f"{case}，本机关已于{_date(report.accepted_on)}受理并调查核实，现答复如下：",
        casework.public_reason(report, data_key) or "",
        f"经核查，你反映的问题{_finding(report)}。",
    ]
    if outcomes.governing_rule(report) == outcomes.Rule.PETITION:
        body.append(REVIEW_NOTICE)
    return body


def _conclusion_report(report: Report, data_key: bytes, order: HandDown | None) -> list[str]:
    if order is not None:
        handed = (
            f"你机关以{order.number}交办的案件（案件编号{report.reference}，"
            f"{chinese_date(order.received_on)}收到，要求于{chinese_date(order.due)}前办结）"
        )
    else:
        handed = f"交办的案件（案件编号{report.reference}，{chinese_date(report.received_on)}收到）"
    return [
        f"{handed}已于{_date(report.concluded_on)}办结，现将办理情况报告如下：",
        f"一、核查结论：{_finding(report)}。",
        f"二、处置方式：{_name(DISPOSAL_NAMES, report.disposal)}。",
        f"三、处理结果：{casework.public_reason(report, data_key) or '无'}",
        f"四、处理措施：{_measures(report)}。",
    ]


def _hand_over(report: Report, data_key: bytes) -> list[str]:
    institution = open_with_key(report, data_key).content.institution or "（未写明）"
    return [
        f"本机关于{chinese_date(report.received_on)}收到的举报（案件编号"
        f"{report.reference}），反映{institution}的问题。经审查，该问题属于你单位"
        "职责范围，现依照有关规定移送你单位依法处理。",
        "请将处理结果及时函告本机关。",
        "附件：举报材料",
    ]


def _supervision(
    document: CaseDocument, report: Report, taxonomy: Taxonomy, settings: Settings
) -> list[str]:
    """督办函: from metadata alone (the category, dates and the deadline that ran that day)."""
    category = taxonomy.category(report.category)
    deciding = report.accepted_on is None or report.accepted_on > document.issued_on
    due, today = document.due_on, document.issued_on
    step: profiles.Step = "decision" if deciding else "conclusion"
    basis = profiles.basis(report, step, taxonomy, settings, "zh")
    what = "作出是否受理的决定" if deciding else "办结"
    body = [
        f"你单位承办的案件（案件编号{report.reference}，"
        f"{category.name_zh if category else report.category}，"
        f"{chinese_date(report.received_on)}收到），应于{_date(due)}前{what}（{basis}）。"
    ]
    if due is not None and due < today:
        body.append(f"截至{chinese_date(today)}，已超过期限{(today - due).days}日。")
    body.append(
        f"请你单位加快办理，并于收到本函之日起{SUPERVISION_REPLY_DAYS}个工作日内"
        "将办理进展情况书面报告本机关。"
    )
    return body


def _date(day: dt.date | None) -> str:
    return chinese_date(day) if day is not None else "—"


def _finding(report: Report) -> str:
    return _name(FINDING_NAMES, report.finding)


def _name(names: Mapping[str, Wording], code: str | None) -> str:
    return str(names[code]) if code is not None and code in names else "—"


def _measures(report: Report) -> str:
    totals = outcomes.totals(report)
    parts = [
        f"{name}："
        + (
            f"{totals[outcomes.Kind(kind)] / 100:.2f}"
            if kind in outcomes.AMOUNTS
            else str(totals[outcomes.Kind(kind)])
        )
        for kind, name in MEASURE_NAMES.items()
        if totals.get(outcomes.Kind(kind))
    ]
    return "；".join(parts) or "无"


def _office(taxonomy: Taxonomy, settings: Settings) -> str:
    return settings.host_office or taxonomy.intake_desk.name_zh
