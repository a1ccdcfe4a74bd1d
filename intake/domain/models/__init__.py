"""Tables. Report content is stored only as ciphertext; everything in clear here is metadata.

Metadata carries dates, not times, for anything the public side creates (promise 1).

The tables live in one module per family; this package hands every model on, so callers
import them from `intake.domain.models`.
"""

from intake.domain.models.audit import AuditEvent, AuditHead
from intake.domain.models.base import Base
from intake.domain.models.cases import (
    Event,
    KeyWrap,
    Message,
    Note,
    Report,
    RetentionKey,
    SupervisionNote,
    UsedFormToken,
)
from intake.domain.models.documents import CaseDocument, DocumentNumber
from intake.domain.models.evidence import Attachment, AttachmentChunk
from intake.domain.models.feedback import ReporterFeedback
from intake.domain.models.grading import CaseStudy
from intake.domain.models.hand_downs import HandDown, HandDownCase, HandDownProgress
from intake.domain.models.hotline import HotlineToken, IdempotencyRecord
from intake.domain.models.outcomes import Measure, Rectification, TypicalCase
from intake.domain.models.repeats import NameTag
from intake.domain.models.reviews import ReviewItem, ReviewRound
from intake.domain.models.staff import (
    Bureau,
    BureauMembership,
    LoginThrottle,
    StaffMember,
    StaffSession,
)
from intake.domain.models.statistics import StatisticMonth
from intake.domain.models.units import Unit

__all__ = [
    "Attachment",
    "AttachmentChunk",
    "AuditEvent",
    "AuditHead",
    "Base",
    "Bureau",
    "BureauMembership",
    "CaseDocument",
    "CaseStudy",
    "DocumentNumber",
    "Event",
    "HandDown",
    "HandDownCase",
    "HandDownProgress",
    "HotlineToken",
    "IdempotencyRecord",
    "KeyWrap",
    "LoginThrottle",
    "Measure",
    "Message",
    "NameTag",
    "Note",
    "Rectification",
    "Report",
    "ReporterFeedback",
    "RetentionKey",
    "ReviewItem",
    "ReviewRound",
    "StaffMember",
    "StaffSession",
    "StatisticMonth",
    "SupervisionNote",
    "TypicalCase",
    "Unit",
    "UsedFormToken",
]
