from .activity import AuditEntry, Blocklist, Notification, RateCounter
from .categories import Category, CategoryQuestion, PublicHoliday, RoutingRule
from .documents import ReportDocument
from .mapcells import MapCell
from .reports import (
    OPEN_STATUSES,
    IdempotencyKey,
    Report,
    ReporterContact,
    ReportPhoto,
    ReportSupport,
    ReportUpdate,
    Status,
)

__all__ = [
    "OPEN_STATUSES",
    "AuditEntry",
    "Blocklist",
    "Category",
    "CategoryQuestion",
    "IdempotencyKey",
    "MapCell",
    "Notification",
    "PublicHoliday",
    "RateCounter",
    "Report",
    "ReportDocument",
    "ReportPhoto",
    "ReportSupport",
    "ReportUpdate",
    "ReporterContact",
    "RoutingRule",
    "Status",
]
