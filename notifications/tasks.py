"""Sending notifications: the worker's task (django-tasks, database backend: `manage.py db_worker`),
and the housekeeping job that hands it notifications whose task was lost."""

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from .delivery import CHANNELS, Undeliverable
from .models import Notification

logger = logging.getLogger(__name__)
LEASE = dt.timedelta(minutes=5)


def retry_delay(attempts: int) -> dt.timedelta:
    """1, 2, 4, 8... times the base delay after the 1st, 2nd, 3rd... failure (capped at a day)."""
    return dt.timedelta(seconds=min(settings.LAPOR_NOTIFY_RETRY_SECONDS * 2 ** (attempts - 1), 86_400))


@task()
def send_notification(notification_id: int) -> str:
    now = timezone.now()
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(skip_locked=True)
            .filter(pk=notification_id, state=Notification.State.QUEUED, next_attempt_at__lte=now)
            .first()
        )
        if notification is None:
            return "nothing to do"  # sent already, given up, not due, or another worker holds it
        # A lease: a second task for the same row (the housekeeping requeues lost ones) waits it out.
        notification.next_attempt_at = now + LEASE
        notification.save(update_fields=["next_attempt_at"])
    try:
        CHANNELS[notification.channel].send(notification)
    except Undeliverable as exc:  # nobody left to tell: given up at once, never retried
        notification.attempts += 1
        notification.state = Notification.State.FAILED
        notification.last_error = str(exc)[:2000]
        notification.save(update_fields=["attempts", "last_error", "state"])
        logger.info("notification %s not sent: %s", notification.pk, notification.last_error)
        return "dropped"
    except Exception as exc:
        notification.attempts += 1
        notification.last_error = f"{exc.__class__.__name__}: {exc}"[:2000]
        if notification.attempts >= settings.LAPOR_NOTIFY_MAX_ATTEMPTS:
            notification.state = Notification.State.FAILED
            notification.save(update_fields=["attempts", "last_error", "state"])
            logger.error("notification %s failed for good: %s", notification.pk, notification.last_error)
            return "failed"
        notification.next_attempt_at = timezone.now() + retry_delay(notification.attempts)
        notification.save(update_fields=["attempts", "last_error", "next_attempt_at"])
        send_notification.using(run_after=notification.next_attempt_at).enqueue(notification.pk)
        logger.warning("notification %s: attempt %s failed (%s)", notification.pk, notification.attempts, exc)
        return "retry"
    notification.attempts += 1
    notification.state = Notification.State.SENT
    notification.sent_at = timezone.now()
    notification.save(update_fields=["attempts", "state", "sent_at", "payload"])
    return "sent"


def notifications_requeue(now: dt.datetime) -> int:
    """Housekeeping: hand the worker again the queued notifications whose task was lost (a worker
    killed mid-way, a queue emptied by hand); the lease in send_notification keeps a notification
    from being sent twice."""
    stale = now - dt.timedelta(minutes=10)
    requeued = 0
    for pk in Notification.objects.filter(state=Notification.State.QUEUED, next_attempt_at__lt=stale).values_list(
        "pk", flat=True
    )[:1000]:
        send_notification.enqueue(pk)
        requeued += 1
    return requeued
