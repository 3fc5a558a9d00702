"""OGC API - Features (Part 1: Core; Part 3: Filtering with CQL2 text) at /ogcapi/ for planners' GIS
tools: public reports, areas and one collection per asset layer, as GeoJSON built by PostgreSQL, and
HTML pages.

May import: common, districts, geo_reports."""
