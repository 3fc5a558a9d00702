"""What the platform tells people about reports: notification rows written with the change they
announce (in answer to the report core's events), the worker's task that sends them, one delivery
class per channel (email, signed webhook, Open311 forward), retries and the admin's view of them.

May import: common, districts, geo_reports (its models and events). Nothing imports it."""
