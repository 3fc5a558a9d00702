"""Open311 GeoReport v2 at /open311/v2/ (XML and JSON), over the report core's selectors and its one
submission service; its own error format for its prefix; API keys for clients that post.

May import: common, districts, geo_reports."""
