from .activity import AuditEntry, Blocklist, RateCounter
from .categories import Category, CategoryQuestion, PublicHoliday, RoutingRule
from .documents import ReportDocument
from .reports import (
    OPEN_STATUSES,
    HiddenReason,
    IdempotencyKey,
    Report,
    ReportCoHandler,
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
    "HiddenReason",
    "IdempotencyKey",
    "PublicHoliday",
    "RateCounter",
    "Report",
    "ReportCoHandler",
    "ReportDocument",
    "ReportPhoto",
    "ReportSupport",
    "ReportUpdate",
    "ReporterContact",
    "RoutingRule",
    "Status",
]
