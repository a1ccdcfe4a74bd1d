"""Forms of the console's cases area."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    IntegerField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from admin.forms import REQUIRED, TOO_LONG, _required
from intake.domain.cases.casework import LETTER_LIMIT, TEXT_LIMIT, TYPICAL_LIMIT
from intake.domain.cases.documents import WHERE_LIMIT
from intake.domain.cases.outcomes import (
    AMOUNT_MAX_FEN,
    AMOUNTS,
    COUNT_MAX,
    COUNTS,
    ITEM_LIMIT,
    ITEMS_MAX,
    Kind,
)
from intake.domain.cases.text import normalise_text
from intake.domain.labels import (
    HAND_OVER_REPLY_NAMES,
    ID_TYPE_NAMES,
    MEASURE_NAMES,
    PAID_BY_NAMES,
    REWARD_EXCLUSION_NAMES,
)

#: Consequential choices start empty: nobody concludes 属实 or hands a case to the police
#: because that was the first line of a list.
CHOOSE = SelectChoice("", _l("— choose one —"))
MUST_CHOOSE = DataRequired(message=_l("Please choose one."))


def _text_area(label: str, limit: int = TEXT_LIMIT) -> TextAreaField:
    return TextAreaField(label, filters=[normalise_text], validators=_required(limit))


class NotAcceptForm(FlaskForm):
    """不予受理, with the reason the reporter reads."""

    reason = _text_area(_l("Reason for not accepting (the reporter reads it)"))


class ReopenForm(FlaskForm):
    """回头看, with the reason for the review."""

    reason = _text_area(_l("Reason for the review"))


class ExtendForm(FlaskForm):
    """One extension of the deadline, with its reason."""

    reason = _text_area(_l("Reason for the extension"))


class MessageForm(FlaskForm):
    """A message to the reporter."""

    text = _text_area(_l("Message to the reporter"))


class NoteForm(FlaskForm):
    """An internal note."""

    text = _text_area(_l("Internal note"))


def _whole_fen(_form: FlaskForm, field: DecimalField) -> None:
    # Amounts are kept in fen: a third decimal would be lost, so it is refused instead.
    if field.data is not None and field.data * 100 != (field.data * 100).to_integral_value():
        raise ValidationError(_l("At most two decimals (fen), please."))


class MeasuresForm(FlaskForm):
    """The measures of docs/rules.md §11: amounts in yuan (two decimals), counts; blank is 0."""

    items = TextAreaField(
        _l("Rectification items (整改), one per line"),
        filters=[normalise_text],
        validators=[Optional(), Length(max=ITEM_LIMIT * ITEMS_MAX, message=TOO_LONG)],
    )

    def measures(self) -> dict[str, int]:
        """The measures typed, amounts in fen; a blank field keeps what was recorded."""
        out: dict[str, int] = {}
        for kind in Kind:
            value = self[kind.value].data
            if value is None:
                continue
            out[kind.value] = int(value * 100) if kind in AMOUNTS else int(value)
        return out

    def item_lines(self) -> list[str]:
        """The 整改 items typed, one per non-empty line."""
        return [line.strip() for line in (self.items.data or "").splitlines() if line.strip()]


for _kind in AMOUNTS:
    setattr(
        MeasuresForm,
        _kind.value,
        DecimalField(
            MEASURE_NAMES[_kind],
            places=2,
            validators=[Optional(), NumberRange(min=0, max=AMOUNT_MAX_FEN // 100), _whole_fen],
        ),
    )
for _kind in COUNTS:
    setattr(
        MeasuresForm,
        _kind.value,
        IntegerField(MEASURE_NAMES[_kind], validators=[Optional(), NumberRange(0, COUNT_MAX)]),
    )


class ConcludeForm(MeasuresForm):
    """办结: the outcome for the reporter, the finding, the disposal and the measures."""

    # Choices from the rule governing the case (the view), after an empty first one.
    disposal = SelectField(_l("Disposal (处置方式)"), validators=[MUST_CHOOSE])
    outcome = _text_area(_l("Outcome (the reporter reads this)"))
    finding = SelectField(
        _l("Finding"),
        validators=[MUST_CHOOSE],
        choices=[
            CHOOSE,
            SelectChoice("substantiated", _l("Substantiated (属实)")),
            SelectChoice("partly_substantiated", _l("Partly substantiated (部分属实)")),
            SelectChoice("not_substantiated", _l("Not substantiated (不属实)")),
        ],
    )


class OutcomeForm(MeasuresForm):
    """A measure that lands after conclusion, new 整改 items, and items done."""

    done = SelectMultipleField(
        _l("Rectification done"),
        coerce=int,
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
        validators=[Optional()],
    )


class TypicalForm(FlaskForm):
    """A 典型案例 for the public page: no names, no details that identify anyone."""

    title = StringField(_l("Title"), filters=[normalise_text], validators=_required(100))
    summary = _text_area(_l("Summary for the public"), TYPICAL_LIMIT)


class TransferForm(FlaskForm):
    """转办 to another bureau."""

    bureau = SelectField(_l("To bureau"), validators=[MUST_CHOOSE])
    keep_as_co = BooleanField(_l("Keep access as co-bureau"))


class ShareForm(FlaskForm):
    """Give a co-bureau access."""

    bureau = SelectField(_l("Bureau"))


class HandOverForm(FlaskForm):
    """移送, with the 移送函's number and date (targets from the taxonomy)."""

    # Choices from the taxonomy (the view), after an empty first one: CHOOSE.
    target = SelectField(_l("Hand over to"), validators=[MUST_CHOOSE])
    letter = StringField(
        _l("Letter number (移送函文号)"),
        filters=[normalise_text],
        validators=[Optional(), Length(max=LETTER_LIMIT, message=TOO_LONG)],
    )
    letter_on = DateField(_l("Letter date"), validators=[Optional()])


class HandOverReplyForm(FlaskForm):
    """What the receiving organ answered."""

    reply = SelectField(
        _l("The receiving organ's answer"),
        choices=[SelectChoice(code, name) for code, name in HAND_OVER_REPLY_NAMES.items()],
    )
    replied_on = DateField(_l("Answered on"), validators=[InputRequired(message=REQUIRED)])


class AssignForm(FlaskForm):
    """Give the case to a handler."""

    staff_id = SelectField(_l("Handler"), coerce=int)


class MajorForm(FlaskForm):
    """Mark or unmark a major lead."""

    major = BooleanField(_l("Major lead (重大线索)"))


def _choices(names: dict[str, Any]) -> list[SelectChoice]:
    return [SelectChoice(code, name) for code, name in names.items()]


class RewardProposeForm(FlaskForm):
    """A reward proposed from the basis and the grade, or the reason the reporter gets none."""

    basis = DecimalField(
        _l("Case value or fines (yuan)"),
        places=2,
        validators=[Optional(), NumberRange(min=0, max=AMOUNT_MAX_FEN // 100), _whole_fen],
    )
    grade = SelectField(
        _l("Grade"), coerce=int, choices=[SelectChoice(n, str(n)) for n in (1, 2, 3)]
    )
    excluded = SelectField(
        _l("Excluded"),
        choices=[
            SelectChoice("", _l("No: propose the sum")),
            *(SelectChoice(k, v) for k, v in REWARD_EXCLUSION_NAMES.items()),
        ],
        validators=[Optional()],
    )

    def basis_fen(self) -> int:
        """The basis in fen (0 when blank)."""
        return int((self.basis.data or 0) * 100)


class RewardPayForm(FlaskForm):
    """The payment: the ID document checked and how the reward was paid."""

    id_type = SelectField(_l("ID document checked"), choices=_choices(ID_TYPE_NAMES))
    last_four = StringField(
        _l("Its last four characters"),
        validators=[InputRequired(message=REQUIRED), Length(min=4, max=4)],
    )
    paid_by = SelectField(_l("Paid by"), choices=_choices(PAID_BY_NAMES))
    paid_on = DateField(_l("Paid on"), validators=[InputRequired(message=REQUIRED)])


class DocumentForm(FlaskForm):
    """Issue a document (文书); where a refused reporter may turn instead, for that one."""

    # Choices: the kinds the case allows now (the view), after an empty first one: CHOOSE.
    kind = SelectField(_l("Document"), validators=[MUST_CHOOSE])
    where = TextAreaField(
        _l("Where the reporter can turn instead (不予受理告知书 only)"),
        filters=[normalise_text],
        validators=[Optional(), Length(max=WHERE_LIMIT, message=TOO_LONG)],
    )
