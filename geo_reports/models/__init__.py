from .activity import AuditEntry, Blocklist, RateCounter
from .categories import Category, CategoryQuestion, PublicHoliday, RoutingRule
from .documents import ReportDocument
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
