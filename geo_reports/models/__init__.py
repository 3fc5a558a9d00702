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
    "Category",
    "CategoryQuestion",
    "IdempotencyKey",
    "PublicHoliday",
    "Report",
    "ReportPhoto",
    "ReportSupport",
    "ReportUpdate",
    "ReporterContact",
    "RoutingRule",
    "Status",
]
