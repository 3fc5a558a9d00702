"""The public map: vector tiles of reports (one point per report, or per-cell counts kept by triggers
on the report table at scale), the count and light points behind the map's summary, and simplified
area outlines.

May import: common, districts, geo_reports (models, filters, selectors, events). Nothing but the
pages' configuration (by URL name) refers to it."""
