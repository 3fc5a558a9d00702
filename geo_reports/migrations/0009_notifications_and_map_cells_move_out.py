# Notification and MapCell now belong to the notifications and maps apps, whose first migrations took
# over their tables (renamed, rows kept). Here they only leave this app's state.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("geo_reports", "0008_request_documents"),
        ("maps", "0001_initial"),
        ("notifications", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="MapCell"),
                migrations.DeleteModel(name="Notification"),
            ],
        ),
    ]
