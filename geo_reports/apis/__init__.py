"""The reports API: public.py (anyone, and the reporter through the private link), staff.py (agency
staff, planners and administrators, as geo_reports.policy allows)."""
