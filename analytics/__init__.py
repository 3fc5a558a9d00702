"""Figures for the council and planners: statistics per agency, area, category and month; repeat
failures per asset and clusters of reports; exports of reports as streamed GeoJSON and CSV. All
computed in the database, with the report list's filters.

May import: common, districts, geo_reports. No models of its own."""
