from django.apps import AppConfig


class CommonConfig(AppConfig):
    """Shared pieces; hosts the `housekeeping` command that runs the jobs other apps register."""

    name = "common"
    verbose_name = "Common"
