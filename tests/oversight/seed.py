"""A month of invented cases worked through the domain functions at chosen dates, and the
tallies the statistics should give, counted independently from the same plan."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from flask import Flask
from sqlalchemy import select

from intake.domain.cases import casework
from intake.domain.cases.content import ReportContent
from intake.domain.cases.reports import Submission, submit_report
from intake.domain.codes import Finding
from intake.domain.keys.keyring import data_key_for_bureau
from intake.domain.models import Bureau, StaffMember
from intake.platform import context, db

CATEGORIES = ("kickbacks", "insurance_fraud", "overtreatment", "advertising_pricing")
CHANNELS = ("web", "hotline", "letter")
LEADS = {
    "kickbacks": "health",
    "insurance_fraud": "healthcare_security",
    "overtreatment": "health",
    "advertising_pricing": "market_regulation",
}


@dataclass
class Plan:
    """What happened to each invented case, and the counts expected per (bureau, cat, chan)."""

    expected: dict[tuple[str, str, str], Counter] = field(
        default_factory=lambda: defaultdict(Counter)
    )
    days: dict[tuple[str, str, str], list[int]] = field(default_factory=lambda: defaultdict(list))
    references: list[str] = field(default_factory=list)


def seed_month(
    app: Flask, private_keys: dict[str, bytes], start: dt.date, count: int, seed: int = 7
) -> Plan:
    """Submit `count` cases around the month starting at `start` and work them; return the plan.

    `private_keys` maps bureau codes to their private keys (from the demo accounts).
    """
    rng = random.Random(seed)
    plan = Plan()
    end = (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)

    def in_month(day: dt.date) -> bool:
        return start <= day <= end

    with app.app_context():
        session, settings, taxonomy = db.session(), context.settings(), context.taxonomy()
        bureaus = {b.code: b for b in session.scalars(select(Bureau))}
        someone = session.scalars(select(StaffMember)).first()
        assert someone is not None
        for n in range(count):
            category = rng.choice(CATEGORIES)
            channel = rng.choice(CHANNELS)
            received = start + dt.timedelta(days=rng.randint(-20, 25))
            receipt = submit_report(
                session,
                settings,
                taxonomy,
                Submission(category, False, ReportContent(f"invented case {n}"), channel=channel),
                received,
            )
            report = receipt.report
            plan.references.append(report.reference)
            lead = LEADS[category]
            key = (lead, category, channel)
            if in_month(received):
                plan.expected[key]["received"] += 1

            def actor(day: dt.date) -> casework.Actor:
                now = dt.datetime.combine(day, dt.time(10), dt.UTC)
                return casework.Actor(someone, now, day, secret_key=settings.secret_key)

            day = received + dt.timedelta(days=rng.randint(1, 6))
            fate = rng.random()
            data_key = data_key_for_bureau(report, lead, private_keys[lead])
            if fate < 0.15:
                casework.not_accept(
                    report, data_key, actor(day), "不属于职责范围(虚构)", taxonomy.intake_desk.code
                )
                if in_month(day):
                    plan.expected[key]["not_accepted"] += 1
                continue
            if fate < 0.25:
                # Still waiting for a decision: open at the end of the month if received by then.
                if received <= end:
                    plan.expected[key]["open_at_end"] += 1
                continue
            data_key = casework.accept(
                report, data_key, actor(day), settings, taxonomy.intake_desk.code
            )
            if in_month(day):
                plan.expected[key]["accepted"] += 1
            if rng.random() < 0.2:
                day += dt.timedelta(days=rng.randint(1, 5))
                to = "finance" if lead != "finance" else "health"
                data_key = casework.transfer(report, data_key, actor(day), bureaus[to], False)
                if in_month(day):
                    plan.expected[key]["transferred_out"] += 1
                    plan.expected[(to, category, channel)]["transferred_in"] += 1
                lead, key = to, (to, category, channel)
            if rng.random() < 0.15:
                day += dt.timedelta(days=rng.randint(1, 5))
                # Any target the taxonomy lists, not only the police and the commission.
                target = rng.choice([t.code for t in taxonomy.hand_over])
                organ = taxonomy.hand_over_target(target)
                assert organ is not None
                casework.hand_over(report, data_key, actor(day), organ, None)
                if in_month(day):
                    plan.expected[key][f"handed_over_{target}"] += 1
            if rng.random() < 0.6:
                day += dt.timedelta(days=rng.randint(1, 20))
                finding = rng.choice(list(Finding))
                casework.conclude(report, data_key, actor(day), "结论(虚构)", finding)
                if in_month(day):
                    plan.expected[key]["concluded"] += 1
                    plan.expected[key][finding] += 1
                    plan.days[key].append((day - received).days)
                if received <= end < day:
                    plan.expected[key]["open_at_end"] += 1
            elif received <= end:
                plan.expected[key]["open_at_end"] += 1
        session.commit()
    return plan
