"""The staff pages' forms. They parse and check input; the services decide what is valid (their
ValidationErrors land on the form's fields of the same names) and write."""

import math
import re

from django import forms
from django.conf import settings
from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from districts.models import Area

from . import policy
from .models import MAX_PRICE_RUPIAH, Announcement, Commodity, Market
from .policy import Kind

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


class LonLatWidget(forms.MultiWidget):
    """Two labelled number fields (city_info/templates/city_info/widgets/lonlat.html)."""

    template_name = "city_info/widgets/lonlat.html"

    def __init__(self, attrs=None):
        number = {"step": "any", "inputmode": "decimal"}
        super().__init__([forms.NumberInput(attrs=number), forms.NumberInput(attrs=number)], attrs)

    def decompress(self, value):
        if value is None:
            return [None, None]
        return [round(value.x, 6), round(value.y, 6)]


class PlaceField(forms.MultiValueField):
    """A point as longitude and latitude (WGS84); the page's map fills both when staff tap it."""

    widget = LonLatWidget
    default_error_messages = {
        "incomplete": _("Give both the longitude and the latitude, or tap the map."),
        "required": _("Choose the place: tap the map, or type its longitude and latitude."),
    }

    def __init__(self, **kwargs):
        fields = (
            forms.FloatField(
                min_value=-180, max_value=180, error_messages={"invalid": _("The longitude must be a number.")}
            ),
            forms.FloatField(
                min_value=-90, max_value=90, error_messages={"invalid": _("The latitude must be a number.")}
            ),
        )
        super().__init__(fields=fields, require_all_fields=False, **kwargs)
        for field in self.fields:
            field.required = False

    def compress(self, data_list):
        if not data_list or all(value in (None, "") for value in data_list):
            return None
        lon, lat = data_list
        if lon in (None, "") or lat in (None, ""):
            raise ValidationError(self.error_messages["incomplete"], code="incomplete")
        if not (math.isfinite(lon) and math.isfinite(lat)):
            raise ValidationError(self.error_messages["incomplete"], code="incomplete")
        return Point(lon, lat, srid=settings.LAPOR_SRID)

    def validate(self, value):
        if value is None and self.required:
            raise ValidationError(self.error_messages["required"], code="required")


def _text(label, *, max_length: int, required: bool = True, rows: int = 0, help_text: str = ""):
    widget = forms.Textarea(attrs={"rows": rows}) if rows else forms.TextInput()
    return forms.CharField(
        label=label, max_length=max_length, required=required, widget=widget, help_text=help_text, strip=True
    )


class PublishedForm(forms.Form):
    """The publishing agency, limited to those the user may publish for (one: chosen already)."""

    policy_kind: Kind

    agency = forms.ModelChoiceField(label=_("Published by"), queryset=None, empty_label=None)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = policy.managed_agencies(user, self.policy_kind).order_by("name")
        self.fields["agency"].label_from_instance = lambda agency: agency.name


class EventForm(PublishedForm):
    policy_kind = Kind.EVENTS

    title = _text(_("Title"), max_length=200)
    title_en = _text(_("Title in English"), max_length=200, required=False)
    description = _text(_("Description"), max_length=5000, rows=5)
    description_en = _text(_("Description in English"), max_length=5000, required=False, rows=4)
    starts_at = forms.DateTimeField(
        label=_("Starts"),
        input_formats=[DATETIME_LOCAL],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
    )
    ends_at = forms.DateTimeField(
        label=_("Ends"),
        input_formats=[DATETIME_LOCAL],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
    )
    place_name = _text(_("Place name"), max_length=200, required=False, help_text=_("E.g. Alun-alun Kota Batu."))
    location = PlaceField(label=_("Place on the map"))
    organiser_name = _text(
        _("Outside organiser"),
        max_length=200,
        required=False,
        help_text=_("Leave empty when the publishing agency organises the event itself."),
    )


class JobForm(PublishedForm):
    policy_kind = Kind.JOBS

    position = _text(_("Position"), max_length=200)
    position_en = _text(_("Position in English"), max_length=200, required=False)
    employer = _text(_("Employer"), max_length=200)
    description = _text(_("Description"), max_length=5000, rows=5)
    description_en = _text(_("Description in English"), max_length=5000, required=False, rows=4)
    closes_on = forms.DateField(
        label=_("Closing date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d"],
    )
    how_to_apply = _text(_("How to apply"), max_length=2000, rows=3)
    how_to_apply_en = _text(_("How to apply, in English"), max_length=2000, required=False, rows=3)
    place_name = _text(_("Place name"), max_length=200, required=False)
    location = PlaceField(label=_("Place on the map"))

    def __init__(self, *args, is_new: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.is_new = is_new

    def clean_closes_on(self):
        closes_on = self.cleaned_data["closes_on"]
        if self.is_new and closes_on < timezone.localdate():
            raise ValidationError(_("The closing date has passed. Choose today or a later day."))
        return closes_on


def _area_choices():
    areas = Area.objects.select_related("parent").order_by("code")
    return [("", _("No particular area"))] + [(a.code, a.label) for a in areas]


class AnnouncementForm(PublishedForm):
    policy_kind = Kind.ANNOUNCEMENTS

    title = _text(_("Title"), max_length=200)
    title_en = _text(_("Title in English"), max_length=200, required=False)
    body = _text(_("Text"), max_length=10000, rows=7)
    body_en = _text(_("Text in English"), max_length=10000, required=False, rows=5)
    published_on = forms.DateField(
        label=_("Date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d"],
        help_text=_("Shown to the public from this day on."),
    )
    area = forms.TypedChoiceField(
        label=_("Area concerned"),
        required=False,
        help_text=_("For example the desa of a road closure."),
        empty_value=None,
    )
    location = PlaceField(label=_("Place on the map"), required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=Announcement.Kind.choices)

    field_order = ["agency", "kind", "title", "title_en", "body", "body_en", "published_on"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = _area_choices()
        if not self.is_bound and "published_on" not in self.initial:
            self.initial["published_on"] = timezone.localdate()

    def clean_area(self):
        code = self.cleaned_data.get("area")
        return Area.objects.filter(code=code).first() if code else None


class RupiahField(forms.CharField):
    """Whole rupiah as people write them: "13500", "13.500", "13,500" or "Rp 13.500"."""

    default_error_messages = {"invalid": _("Enter the price in whole rupiah, from 1 to 5,000,000.")}
    WRITTEN = re.compile(r"^(\d{1,3}([.,]\d{3})+|\d+)$")

    def __init__(self, **kwargs):
        super().__init__(widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}), **kwargs)

    def to_python(self, value):
        text = super().to_python(value)
        if text in self.empty_values:
            return None
        text = re.sub(r"^rp\.?\s*", "", text.strip(), flags=re.IGNORECASE).replace(" ", "")
        if not self.WRITTEN.match(text):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        price = int(re.sub(r"[.,]", "", text))
        if not 1 <= price <= MAX_PRICE_RUPIAH:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return price


class PriceSurveyForm(forms.Form):
    """One market's prices on one day: a field per commodity; empty fields are left as they were."""

    market = forms.ModelChoiceField(label=_("Market"), queryset=Market.objects.filter(is_active=True), empty_label=None)
    date = forms.DateField(
        label=_("Date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d"],
    )

    def __init__(self, *args, commodities: list[Commodity], **kwargs):
        super().__init__(*args, **kwargs)
        self.commodities = commodities
        for commodity in commodities:
            self.fields[self.field_name(commodity)] = RupiahField(label=commodity.name, required=False)

    @staticmethod
    def field_name(commodity: Commodity) -> str:
        return f"price_{commodity.code}"

    def clean_date(self):
        date = self.cleaned_data["date"]
        if date > timezone.localdate():
            raise ValidationError(_("Prices can only be recorded for today or earlier."))
        return date

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not self.prices():
            raise ValidationError(_("Enter at least one price."))
        return cleaned

    def prices(self) -> dict[Commodity, int]:
        return {
            commodity: self.cleaned_data[self.field_name(commodity)]
            for commodity in self.commodities
            if self.cleaned_data.get(self.field_name(commodity)) is not None
        }

    def price_rows(self):
        """(commodity, bound field) pairs for the template."""
        return [(commodity, self[self.field_name(commodity)]) for commodity in self.commodities]
