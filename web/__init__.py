"""The pages people use: the citizen pages (map, report form, report page, tracking, services,
statistics) and the staff pages (inbox, working page, nearest tickets). Views read through the other
apps' selectors and render; the pages' scripts talk to the API.

May import: every app below it (common, districts, geo_reports, analytics, maps, ...)."""
