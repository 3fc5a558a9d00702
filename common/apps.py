from django.apps import AppConfig


class CommonConfig(AppConfig):
    """Shared pieces; hosts the `housekeeping` command that runs the jobs other apps register."""

    name = "common"
    verbose_name = "Common"

    def ready(self):
        from . import housekeeping, signin

        housekeeping.register("signin_records_expired", signin.signin_records_expired)
