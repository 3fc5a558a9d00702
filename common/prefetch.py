"""Related rows a caller already holds, put where Django's related managers look for prefetched ones,
so `instance.<relation>.all()` answers from them instead of querying."""

from django.db.models import Model


def set_prefetched(instance: Model, relation: str, objects) -> None:
    """Make `instance.<relation>.all()` return `objects` (as `prefetch_related(relation)` would)."""
    loaded = getattr(instance, relation).all()
    loaded._result_cache = list(objects)
    loaded._prefetch_done = True
    if not hasattr(instance, "_prefetched_objects_cache"):
        instance._prefetched_objects_cache = {}
    instance._prefetched_objects_cache[relation] = loaded
