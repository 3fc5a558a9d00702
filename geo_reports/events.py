"""What the report core tells the rest of the platform: explicit domain events, sent by the services
(never by a model's save or post_save) inside the transaction of the change, so that what a receiver
writes commits or rolls back with it. The apps that react (notifications, maps, …) connect their
receivers in their AppConfig.ready(); the report core imports none of them.

Receivers are called with the keyword arguments named below (and Django's `sender`, the services
module); an exception in a receiver undoes the change.
"""

from django.dispatch import Signal

# A new report was stored: `report` (with category, agency, desa and kecamatan loaded).
report_received = Signal()

# A public entry was added to a report's timeline (a status change or a public reply): `update`.
report_updated = Signal()

# A report passed its resolution deadline while still open (sent once per report): `report`.
report_overdue = Signal()

# A report was assigned to a staff member (services.handling.report_assign): `report`, `assignee`
# (None when unassigned) and `actor`, who assigned it (None for the system).
report_assigned = Signal()

# A report was copied to another agency, which co-handles it (services.cohandling): `report`, `agency`.
report_co_handling_added = Signal()

# A reporter's contact was taken off reports (services.contact): `report_ids`. Apps that copied it
# (a notification's address) remove their copies.
report_contact_erased = Signal()

# The reporter asked for their private link by e-mail: `report` (with its contact) and `token`, the
# private link's secret, which the receiver must not keep once the message is sent.
reporter_link_requested = Signal()

# Many reports were written at once in SQL (generate_reports): `count`.
reports_generated = Signal()
