"""The city's information for everyone: events, food prices at the markets, job vacancies, and the
government's announcements and news.

Each item is published by an agency (districts.Agency), whose staff manage it (city_info.policy).
Places are points in settings.LAPOR_SRID; texts are Indonesian with optional English
(`title` / `title_en`), shown by the page's language. Rows made by the demo loader carry `is_demo`.

What the media say about the city comes from news sources (feeds read by the worker, city_info.news);
their items are the outlets' titles and short excerpts, with links to the full articles.
"""

from django.conf import settings
from django.contrib.gis.db import models
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from districts.models import Agency, Area

# Rupiah per unit: a plausibility ceiling for a staple's price, against a slipped zero or two.
MAX_PRICE_RUPIAH = 5_000_000


class Bilingual:
    """`field` / `field_en` pairs: the English text when the page is English and one was written."""

    def localized(self, field: str) -> str:
        english = getattr(self, f"{field}_en", "")
        if english and (get_language() or "id").startswith("en"):
            return english
        return getattr(self, field)


class Published(Bilingual, models.Model):
    """What every published item has: the agency whose staff manage it, provenance, a demo flag."""

    agency = models.ForeignKey(Agency, verbose_name=_("published by"), on_delete=models.PROTECT, related_name="+")
    is_demo = models.BooleanField(_("demo data"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True

    def clean(self):
        # Here rather than in a service so that the admin's forms hold the same rules.
        errors = {}
        location = getattr(self, "location", None)
        if location is not None:
            if location.srid != settings.LAPOR_SRID:
                location.transform(settings.LAPOR_SRID)
            area = getattr(self, "area", None)
            if not Area.objects.filter(code=settings.LAPOR_CITY_CODE, geom__contains=location).exists():
                errors["location"] = _("The place must be inside Kota Batu.")
            elif area is not None and not area.geom.contains(location):
                errors["location"] = _("The place must lie inside the chosen area.")
        if errors:
            raise ValidationError(errors)


class Event(Published):
    """Something happening in the city, at a place and time: a festival, a market day, a job fair."""

    title = models.CharField(_("title"), max_length=200)
    title_en = models.CharField(_("title in English"), max_length=200, blank=True)
    description = models.TextField(_("description"), max_length=5000)
    description_en = models.TextField(_("description in English"), max_length=5000, blank=True)
    organiser_name = models.CharField(
        _("outside organiser"),
        max_length=200,
        blank=True,
        help_text=_("Leave empty when the publishing agency organises the event itself."),
    )
    place_name = models.CharField(_("place name"), max_length=200, blank=True)
    location = models.PointField(_("place"), srid=settings.LAPOR_SRID)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))

    class Meta:
        verbose_name = _("city event")
        verbose_name_plural = _("city events")
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gte=F("starts_at")), name="event_ends_after_start"),
            models.CheckConstraint(condition=Q(location__isvalid=True), name="event_location_valid"),
        ]
        indexes = [models.Index(fields=["ends_at"], name="event_ends_at_idx")]

    def __str__(self):
        return self.title

    def clean(self):
        errors = {}
        try:
            super().clean()
        except ValidationError as exc:
            errors.update(exc.error_dict)
        if self.starts_at and self.ends_at and self.ends_at < self.starts_at:
            errors["ends_at"] = [ValidationError(_("The event cannot end before it starts."))]
        if errors:
            raise ValidationError(errors)

    @property
    def organiser(self) -> str:
        return self.organiser_name or self.agency.name


class Market(models.Model):
    """A traditional market where the trade agency records staple prices. Managed in the admin."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    desa = models.ForeignKey(
        Area,
        verbose_name=_("desa/kelurahan"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind__in": Area.LOCAL_KINDS},
    )
    location = models.PointField(_("place"), srid=settings.LAPOR_SRID)
    is_active = models.BooleanField(_("active"), default=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        verbose_name = _("market")
        verbose_name_plural = _("markets")
        ordering = ["name"]
        constraints = [models.CheckConstraint(condition=Q(location__isvalid=True), name="market_location_valid")]

    def __str__(self):
        return self.name

    def clean(self):
        if self.desa_id and self.location is not None and not self.desa.geom.contains(self.location):
            raise ValidationError({"location": _("The market's place must lie inside its desa/kelurahan.")})


class Commodity(Bilingual, models.Model):
    """A staple whose price is watched: beras, cabai rawit, bawang merah... Managed in the admin."""

    class Unit(models.TextChoices):
        KG = "kg", _("kg")
        LITRE = "liter", _("litre")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=80)
    name_en = models.CharField(_("name in English"), max_length=80, blank=True)
    unit = models.CharField(_("unit"), max_length=8, choices=Unit.choices, default=Unit.KG)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("commodity")
        verbose_name_plural = _("commodities")
        ordering = ["order", "name"]

    def __str__(self):
        return self.name


class Price(models.Model):
    """The price of one commodity at one market on one day, in rupiah per the commodity's unit."""

    market = models.ForeignKey(Market, verbose_name=_("market"), on_delete=models.PROTECT, related_name="prices")
    commodity = models.ForeignKey(
        Commodity, verbose_name=_("commodity"), on_delete=models.PROTECT, related_name="prices"
    )
    date = models.DateField(_("date"))
    price = models.PositiveIntegerField(
        _("price (Rp)"), validators=[MinValueValidator(1), MaxValueValidator(MAX_PRICE_RUPIAH)]
    )
    is_demo = models.BooleanField(_("demo data"), default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now=True)

    class Meta:
        verbose_name = _("price")
        verbose_name_plural = _("prices")
        ordering = ["-date", "market", "commodity"]
        constraints = [
            models.UniqueConstraint(fields=["market", "commodity", "date"], name="price_one_per_day"),
            models.CheckConstraint(
                condition=Q(price__gte=1, price__lte=MAX_PRICE_RUPIAH), name="price_plausible_rupiah"
            ),
        ]
        indexes = [models.Index(fields=["commodity", "date"], name="price_commodity_date_idx")]

    def __str__(self):
        return f"{self.commodity} @ {self.market}, {self.date}: Rp {self.price}"


class JobVacancy(Published):
    """A job on offer in Kota Batu, published by the labour agency (Disnaker)."""

    employer = models.CharField(_("employer"), max_length=200)
    position = models.CharField(_("position"), max_length=200)
    position_en = models.CharField(_("position in English"), max_length=200, blank=True)
    description = models.TextField(_("description"), max_length=5000)
    description_en = models.TextField(_("description in English"), max_length=5000, blank=True)
    place_name = models.CharField(_("place name"), max_length=200, blank=True)
    location = models.PointField(_("place"), srid=settings.LAPOR_SRID)
    closes_on = models.DateField(_("closing date"))
    how_to_apply = models.TextField(_("how to apply"), max_length=2000)
    how_to_apply_en = models.TextField(_("how to apply, in English"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("job vacancy")
        verbose_name_plural = _("job vacancies")
        ordering = ["closes_on", "id"]
        constraints = [models.CheckConstraint(condition=Q(location__isvalid=True), name="job_location_valid")]
        indexes = [models.Index(fields=["closes_on"], name="job_closes_on_idx")]

    def __str__(self):
        return f"{self.position} · {self.employer}"

    @property
    def title(self) -> str:
        return self.position


class Announcement(Published):
    """An announcement or a news item of the city government, optionally tied to an area and/or a point
    (a road closure in one desa, a water outage in one kelurahan)."""

    class Kind(models.TextChoices):
        ANNOUNCEMENT = "announcement", _("Announcement")
        NEWS = "news", _("News")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.ANNOUNCEMENT)
    title = models.CharField(_("title"), max_length=200)
    title_en = models.CharField(_("title in English"), max_length=200, blank=True)
    body = models.TextField(_("text"), max_length=10000)
    body_en = models.TextField(_("text in English"), max_length=10000, blank=True)
    published_on = models.DateField(
        _("date"), default=timezone.localdate, help_text=_("Shown to the public from this day on.")
    )
    area = models.ForeignKey(
        Area, verbose_name=_("area"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    location = models.PointField(_("place"), srid=settings.LAPOR_SRID, null=True, blank=True)

    class Meta:
        verbose_name = _("announcement")
        verbose_name_plural = _("announcements and news")
        ordering = ["-published_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(location__isnull=True) | Q(location__isvalid=True), name="announcement_location_valid"
            )
        ]
        indexes = [models.Index(fields=["published_on"], name="announcement_published_idx")]

    def __str__(self):
        return self.title

    @property
    def has_place(self) -> bool:
        return self.location is not None or self.area_id is not None


# --- What the media say ---------------------------------------------------------------------------


class NewsSource(models.Model):
    """An RSS 2.0 or Atom feed of a local or regional outlet, or of a city agency's own site, read by the
    worker on a schedule (city_info.news). Its fetch state (conditional-request validators, errors) is
    kept here, so that administrators see in the admin which feeds fail and why."""

    name = models.CharField(_("name"), max_length=120, unique=True, help_text=_("The outlet, as shown to readers."))
    url = models.URLField(_("feed address"), max_length=500, unique=True, help_text=_("An RSS 2.0 or Atom feed."))
    is_enabled = models.BooleanField(_("enabled"), default=True)
    keywords = models.TextField(
        _("keywords"),
        blank=True,
        help_text=_(
            "One per line; an item is kept when its title, summary or tags mention one (whole words, any case). "
            "A line starting with “-” names a phrase that does not count (e.g. “-batu bara”). "
            "Empty: Batu, Pemkot Batu, DPRD Kota Batu and the city agencies' names."
        ),
    )
    fetch_interval_minutes = models.PositiveSmallIntegerField(
        _("fetch every (minutes)"), default=30, validators=[MinValueValidator(5), MaxValueValidator(1440)]
    )
    next_fetch_at = models.DateTimeField(_("next fetch"), default=timezone.now)
    # The validators of the last good response, sent back as If-None-Match / If-Modified-Since.
    etag = models.CharField(_("ETag"), max_length=300, blank=True, editable=False)
    last_modified = models.CharField(_("Last-Modified"), max_length=100, blank=True, editable=False)
    last_fetched_at = models.DateTimeField(_("last fetch"), null=True, blank=True, editable=False)
    last_success_at = models.DateTimeField(_("last successful fetch"), null=True, blank=True, editable=False)
    error_count = models.PositiveIntegerField(
        _("errors in a row"), default=0, editable=False, help_text=_("Back to 0 after a fetch succeeds.")
    )
    last_error = models.CharField(_("last error"), max_length=500, blank=True, editable=False)
    last_error_at = models.DateTimeField(_("last error at"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("news source")
        verbose_name_plural = _("news sources")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(fetch_interval_minutes__gte=5, fetch_interval_minutes__lte=1440),
                name="news_source_interval_range",
            )
        ]
        indexes = [models.Index(fields=["next_fetch_at"], condition=Q(is_enabled=True), name="news_source_due_idx")]

    def __str__(self):
        return self.name


class NewsItem(models.Model):
    """One item of a news source that mentions the city: the outlet's title and a short plain-text excerpt,
    never the full article (readers follow `link` to the outlet), and the areas its text names."""

    # Plain text, cut at a word boundary (city_info.news.parsing).
    TITLE_LENGTH = 300
    EXCERPT_LENGTH = 300

    source = models.ForeignKey(NewsSource, verbose_name=_("source"), on_delete=models.CASCADE, related_name="items")
    # sha256 of the feed's id for the item, or of its link when it has none: stored once per source.
    key = models.CharField(max_length=64, editable=False)
    title = models.CharField(_("title"), max_length=TITLE_LENGTH)
    excerpt = models.CharField(_("excerpt"), max_length=EXCERPT_LENGTH, blank=True)
    link = models.URLField(_("link"), max_length=1000)
    published_at = models.DateTimeField(_("published"))
    areas = models.ManyToManyField(
        Area, verbose_name=_("areas named"), blank=True, related_name="+", help_text=_("Found in the text.")
    )
    is_hidden = models.BooleanField(
        _("hidden"), default=False, help_text=_("Not shown to the public, and not taken again from the feed.")
    )
    fetched_at = models.DateTimeField(_("fetched"), auto_now_add=True)

    class Meta:
        verbose_name = _("news item")
        verbose_name_plural = _("news items")
        ordering = ["-published_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["source", "key"], name="news_item_once_per_source")]
        indexes = [models.Index(fields=["-published_at"], name="news_item_published_idx")]

    def __str__(self):
        return self.title


class PageVisit(models.Model):
    """How often an information page was shown on one day: counted only when the city enables it
    (settings.LAPOR_COUNT_PAGE_VIEWS), and nothing about the visitor (no address, cookie or browser)."""

    day = models.DateField(_("day"))
    path = models.CharField(_("page"), max_length=200)
    views = models.PositiveIntegerField(_("views"), default=0)

    class Meta:
        verbose_name = _("page visit count")
        verbose_name_plural = _("page visits")
        ordering = ["-day", "path"]
        constraints = [models.UniqueConstraint(fields=["day", "path"], name="page_visit_one_per_day")]

    def __str__(self):
        return f"{self.day} {self.path}: {self.views}"
