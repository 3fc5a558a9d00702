"""The worker's tasks (django-tasks, database backend: `manage.py db_worker`). Their arguments are
row ids, never a chat id: the task table is not the place for a citizen's number."""

from django_tasks import task

from .services.inbound import inbound_process
from .services.outbound import outbox_send


@task()
def chat_inbound_process(inbound_id: int) -> str:
    return inbound_process(inbound_id=inbound_id)


@task()
def chat_outbox_send(conversation_id: int) -> str:
    return outbox_send(conversation_id=conversation_id)
