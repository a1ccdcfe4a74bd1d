"""Retention: concluded cases are destroyed after a configured time by crypto-shredding.

Every wrapped copy of the report's key and every ciphertext (content, contact, messages,
notes, outcome, the text of 整改 items, reward claim, supervision notes, attachments) is
deleted, and so are its name tags (which said whom it named); the metadata (dates, category,
channel, bureau, state, finding, disposal, measures, events) stays, so the statistics do not
change. Then the retention keys of every month whose cases are all destroyed are deleted
(intake/domain/keys/periods.py): the bureau copies of a concluded case's key were sealed to
them, so an old copy of the case's rows left in a backup, a write-ahead log or a heap file
opens nothing once the month's key row is gone from every copy too (docs/operations.md).
SQLite overwrites freed pages (secure_delete, intake/platform/db.py) and the purge writes its
write-ahead log back into the database file at once, or fails saying so; on PostgreSQL,
VACUUM reclaims them.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from intake.domain.cases import hand_downs
from intake.domain.keys import periods
from intake.domain.models import CaseDocument, Event, NameTag, Report, ReporterFeedback
from intake.domain.models.base import write_back
from intake.domain.oversight import due


def due_for_destruction(db: Session, today: dt.date, days: int) -> list[Report]:
    """Closed cases whose conclusion is at least `days` days old and not destroyed yet."""
    return list(
        db.scalars(
            select(Report).where(
                Report.state.in_(due.CLOSED),
                Report.concluded_on <= today - dt.timedelta(days=days),
                Report.destroyed_on.is_(None),
            )
        )
    )


def destroy(report: Report, today: dt.date) -> None:
    """Delete every key and ciphertext of one report; keep its metadata.

    The reporter's copy (and the reporter key pair's private half) is deleted with the rest:
    it cannot be sealed to a retention key, since the reporter holds no bureau key, so a
    backup taken before the purge still opens with the receipt code (docs/operations.md).
    """
    report.key_wraps.clear()
    report.messages.clear()
    report.notes.clear()
    report.supervision_notes.clear()
    for item in report.rectifications:
        item.body = b""  # the item and its done date stay, for the statistics
    # Deleting an attachment deletes its chunks (ON DELETE CASCADE).
    report.attachments.clear()
    report.content = b""
    report.contact = None
    report.public_reason = report.extension_reason = None
    report.escalation_reason = None
    for study in report.studies:
        study.conclusion = b""  # the round, its date and grade stay (cases/grading.py)
    report.reward_claim = report.reward_id_check = None
    report.earlier_keys = None
    report.reporter_public_key = report.reporter_public_key_mac = None
    report.destroyed_on = today
    report.events.append(
        Event(kind="destroyed", occurred_on=today, bureau=report.lead_bureau.code, detail={})
    )


def purge(db: Session, today: dt.date, days: int, dry_run: bool = False) -> list[str]:
    """Destroy every case due for it and the keys of every month now over; returns the cases'
    references. Commits unless `dry_run`."""
    reports = due_for_destruction(db, today, days)
    references = [r.reference for r in reports]
    if dry_run:
        return references
    for report in reports:
        destroy(report, today)
        # The tags said which names the report gave; a destroyed report gives none.
        db.execute(delete(NameTag).where(NameTag.report_id == report.id))
        # The reporter's words about a feedback go too; its date, way and codes stay.
        db.execute(
            update(ReporterFeedback)
            .where(ReporterFeedback.report_id == report.id)
            .values(opinion=None, objection_text=None)
        )
        hand_downs.shred(db, report)
        # What a member typed for a document (cases/documents.py) goes with the rest; the
        # document's number and date stay, like every other piece of metadata.
        db.execute(
            update(CaseDocument).where(CaseDocument.report_id == report.id).values(sealed_text=None)
        )
    db.flush()
    periods.destroy_expired(db, today, days)
    db.commit()
    write_back(db)
    db.commit()
    return references
