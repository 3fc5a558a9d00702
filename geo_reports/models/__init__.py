from .activity import AuditEntry, Notification
from .categories import Category, CategoryQuestion, PublicHoliday, RoutingRule
from .reports import (
    IdempotencyKey,
    Report,
    ReporterContact,
    ReportPhoto,
    ReportSupport,
    ReportUpdate,
    Status,
)

__all__ = [
    "AuditEntry",
    "Category",
    "CategoryQuestion",
    "IdempotencyKey",
    "Notification",
    "PublicHoliday",
    "Report",
    "ReportPhoto",
    "ReportSupport",
    "ReportUpdate",
    "ReporterContact",
    "RoutingRule",
    "Status",
]
