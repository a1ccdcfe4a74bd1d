"""The report's form, shared by the public side and the console's recording desk.

Every field has a size limit; every message is in the reader's language.
"""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    MultipleFileField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
    ValidationError,
)
from wtforms.validators import DataRequired, Length

from intake.domain.cases.content import LIMITS, Contact, ReportContent
from intake.domain.cases.taxonomy import Taxonomy
from intake.domain.cases.text import REPLACEMENT_CHARACTER, normalise_text

PHONE = re.compile(r"[0-9+\-() ]+")
TOO_LONG = _l("At most %(max)d characters, please; this has %(length)d.")
FORM_TOKEN_LIMIT = 64


class Limit(Length):
    """A length limit checked on the server only, its message giving the count.

    WTForms' Length also writes `maxlength` into the page, and a browser then cuts a pasted text
    at the limit without a word; the reporter's words are never dropped silently, so the text is
    sent whole and refused with the count, everything kept.
    """

    def __init__(self, max: int, message: object = TOO_LONG) -> None:
        super().__init__(max=max, message=message)
        self.field_flags: dict[str, object] = {}


def readable(_form: FlaskForm, field: StringField) -> None:
    # Werkzeug puts U+FFFD where the body held bytes that were not UTF-8; refuse rather than
    # store a report whose words were silently replaced.
    if field.data and REPLACEMENT_CHARACTER in field.data:
        raise ValidationError(
            _l("Part of this text could not be read (it was not valid text). Please retype it.")
        )


def _text(label: str, limit_key: str, *, required: bool = False, **kwargs) -> StringField:
    # No Optional() for the others: it would stop the chain before the form's own checks
    # (a real-name report needs name and phone), and an empty string passes Length anyway.
    validators = [Limit(LIMITS[limit_key]), readable]
    if required:
        validators.insert(0, DataRequired(message=_l("Please fill this in.")))
    field_class = kwargs.pop("field_class", StringField)
    return field_class(label, filters=[normalise_text], validators=validators, **kwargs)


class ReportForm(FlaskForm):
    """The report form (/report)."""

    category = SelectField(_l("What is it about?"), validate_choice=False)
    what_happened = _text(
        _l("What happened?"), "what_happened", required=True, field_class=TextAreaField
    )
    institution = _text(_l("Hospital, pharmacy, company or office involved"), "institution")
    people = _text(_l("People involved (names or positions)"), "people")
    place = _text(_l("Where"), "place")
    when = _text(_l("When (a date or period)"), "when")
    amount = _text(_l("Amount of money involved, if known"), "amount")
    official_involved = RadioField(
        _l("Is a public official involved?"),
        choices=[
            SelectChoice("yes", _l("Yes")),
            SelectChoice("no", _l("No")),
            SelectChoice("unknown", _l("I don't know")),
        ],
        default="unknown",
        validate_choice=False,
    )
    real_name = BooleanField(_l("I want to give my name and phone number (实名举报)"))
    name = _text(_l("Your name"), "name")
    phone = _text(_l("Your phone number"), "phone")
    form_token = HiddenField(validators=[Length(max=FORM_TOKEN_LIMIT)])
    # The county the report is filed with, offered only when there are several
    # (docs/design.md, "Units"); the template draws it grouped under the city.
    unit = StringField(_l("Which county does it concern?"), validators=[Length(max=40)])
    attachments = MultipleFileField(_l("Files (optional)"))

    def __init__(self, taxonomy: Taxonomy, locale: str, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._taxonomy = taxonomy
        self.unit_groups: list[tuple[str, list[tuple[str, str]]]] = []
        self._only_unit: str | None = None
        self.category.choices = [SelectChoice("", str(_l("— choose one —")))] + [
            SelectChoice(c.code, c.name(locale)) for c in taxonomy.categories
        ]

    def validate_category(self, field: SelectField) -> None:
        """The category must be one of the listed ones."""
        if not field.data:
            raise ValidationError(_l("Please choose what the report is about."))
        if self._taxonomy.category(field.data) is None:
            raise ValidationError(_l("Please choose one of the listed categories."))

    def offer_units(self, groups: list[tuple[str, list[tuple[str, str]]]]) -> None:
        """Offer these units (grouped under the unit above); a single unit is not offered."""
        codes = [code for _above, options in groups for code, _name in options]
        self.unit_groups = groups if len(codes) > 1 else []
        self._only_unit = codes[0] if len(codes) == 1 else None

    def chosen_unit(self) -> str | None:
        """The unit to file with: the one chosen, or the only one; if the units could not be
        read, what was posted (the submission checks it); None: the home unit."""
        if self.unit_groups:
            return self.unit.data
        return self._only_unit or self.unit.data or None

    def validate_unit(self, field: StringField) -> None:
        """With several units, one of them must be chosen."""
        if not self.unit_groups:
            return
        codes = {code for _above, options in self.unit_groups for code, _name in options}
        if field.data not in codes:
            raise ValidationError(_l("Please choose the county."))

    def validate_official_involved(self, field: RadioField) -> None:
        """Only the three offered answers."""
        if field.data not in ("yes", "no", "unknown"):
            raise ValidationError(_l("Please choose one of the answers."))

    def validate_real_name(self, field: BooleanField) -> None:
        """A name or phone typed without ticking 实名举报 is never dropped silently: ask."""
        if not field.data and (self.name.data or self.phone.data):
            raise ValidationError(
                _l(
                    "You typed a name or phone number but did not tick “real-name report”. "
                    "Do you want to give them? Tick the box to send them with the report, "
                    "or clear them to stay anonymous."
                )
            )

    def validate_name(self, field: StringField) -> None:
        """A real-name report needs a name."""
        if self.real_name.data and not field.data:
            raise ValidationError(_l("A real-name report needs your name."))

    def validate_phone(self, field: StringField) -> None:
        """A real-name report needs a phone number made of digits."""
        if self.real_name.data and not field.data:
            raise ValidationError(_l("A real-name report needs a phone number."))
        if field.data and (
            not PHONE.fullmatch(field.data) or sum(c.isdigit() for c in field.data) < 5
        ):
            raise ValidationError(_l("Use digits, spaces, +, - and brackets only."))

    def content(self) -> ReportContent:
        """The validated report text."""
        return ReportContent(
            what_happened=self.what_happened.data,
            institution=self.institution.data,
            people=self.people.data,
            place=self.place.data,
            when=self.when.data,
            amount=self.amount.data,
        )

    def contact(self) -> Contact | None:
        """The real-name contact, when the reporter chose to give it."""
        if not self.real_name.data:
            return None
        return Contact(name=self.name.data, phone=self.phone.data)
