"""The city's information beside the reports: events, staple food prices per market, job vacancies,
announcements and news, with their public pages, the agencies' staff pages and a GeoJSON API.

May import: common, districts. Not the report apps."""
