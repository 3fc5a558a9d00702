# Notification moves here from geo_reports (geo_reports 0003 made it): the table keeps its rows and is
# renamed geo_reports_notification → notifications_notification; its content type moves with it, and
# tasks the worker has not run yet are pointed at the task's new home.

from django.db import migrations, models

import django.db.models.deletion
import django.utils.timezone

OLD_TASK, NEW_TASK = "geo_reports.tasks.send_notification", "notifications.tasks.send_notification"


def move_content_type(old_app: str, new_app: str, model: str):
    def move(apps, schema_editor):
        ContentType = apps.get_model("contenttypes", "ContentType")
        if not ContentType.objects.filter(app_label=new_app, model=model).exists():
            ContentType.objects.filter(app_label=old_app, model=model).update(app_label=new_app)

    return move


def repoint_tasks(old: str, new: str):
    def repoint(apps, schema_editor):
        DBTaskResult = apps.get_model("django_tasks_database", "DBTaskResult")
        DBTaskResult.objects.filter(task_path=old).update(task_path=new)

    return repoint


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("districts", "0003_agency_endpoint_key"),
        ("django_tasks_database", "0021_conditional_partial_index_ordering"),
        ("geo_reports", "0008_request_documents"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Notification",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        (
                            "channel",
                            models.CharField(
                                choices=[
                                    ("agency_email", "Agency by email"),
                                    ("agency_webhook", "Agency by webhook"),
                                    ("agency_open311", "Agency by Open311"),
                                    ("reporter_email", "Reporter by email"),
                                    ("reporter_webhook", "Reporter by SMS/WhatsApp gateway"),
                                    ("supervisor_email", "Supervisor by email"),
                                ],
                                max_length=20,
                                verbose_name="channel",
                            ),
                        ),
                        ("event", models.CharField(max_length=20, verbose_name="event")),
                        ("payload", models.JSONField(default=dict, verbose_name="payload")),
                        (
                            "state",
                            models.CharField(
                                choices=[("queued", "Queued"), ("sent", "Sent"), ("failed", "Failed for good")],
                                default="queued",
                                max_length=8,
                                verbose_name="state",
                            ),
                        ),
                        ("attempts", models.PositiveSmallIntegerField(default=0, verbose_name="attempts")),
                        ("last_error", models.TextField(blank=True, verbose_name="last error")),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="created")),
                        (
                            "next_attempt_at",
                            models.DateTimeField(default=django.utils.timezone.now, verbose_name="next attempt"),
                        ),
                        ("sent_at", models.DateTimeField(blank=True, null=True, verbose_name="sent")),
                        (
                            "agency",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to="districts.agency",
                            ),
                        ),
                        (
                            "report",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="notifications",
                                to="geo_reports.report",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "notification",
                        "verbose_name_plural": "notifications",
                        "ordering": ["-created_at"],
                        "indexes": [models.Index(fields=["state", "next_attempt_at"], name="notification_due_idx")],
                    },
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    "ALTER TABLE geo_reports_notification RENAME TO notifications_notification",
                    "ALTER TABLE notifications_notification RENAME TO geo_reports_notification",
                ),
            ],
        ),
        migrations.RunPython(
            move_content_type("geo_reports", "notifications", "notification"),
            move_content_type("notifications", "geo_reports", "notification"),
        ),
        migrations.RunPython(repoint_tasks(OLD_TASK, NEW_TASK), repoint_tasks(NEW_TASK, OLD_TASK)),
    ]
