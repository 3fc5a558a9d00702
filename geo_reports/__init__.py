"""What happened: categories (Open311 services) and their questions, routing rules and the routing
function, reports, their append-only timeline, photos, documents and +1s, the status workflow and
deadlines, who may do what (policy), the bounds on abuse, the audit log, and the report API. Tells
the rest of the platform what changed through explicit domain events (events.py).

May import: common, districts. Never notifications, maps, analytics or an interface."""
