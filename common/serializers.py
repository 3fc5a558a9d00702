"""Serializer building blocks shared by the apps' APIs."""

import copy

from rest_framework import serializers


class FieldsBuiltOnce:
    """A serializer that works out its fields once per class, not once per instance.

    DRF makes every field anew for each serializer instance: a ModelSerializer inspects its model and
    builds each field's arguments, and every serializer deep-copies its declared fields, which makes
    each field again through its __init__. A report's answer holds a dozen nested serializers, so this
    cost a few milliseconds a report for the same result each time. Here the fields are made the
    first time, kept unbound on the class, and each instance gets shallow copies (binding sets the
    name and parent on the copy, never on the kept field). A nested list (`many=True`) is still
    deep-copied: its child is bound to it. Not for serializers whose fields depend on the instance or
    its context."""

    def get_fields(self):
        cls = type(self)
        built = cls.__dict__.get("_fields_built_once")
        if built is None:
            built = super().get_fields()
            cls._fields_built_once = built
        return {
            name: copy.deepcopy(field) if isinstance(field, serializers.ListSerializer) else copy.copy(field)
            for name, field in built.items()
        }


class LabelField(serializers.CharField):
    """The label of a choice's value in the active language: what `get_<field>_display` gives, without
    the lookup table Django builds (and the translations it makes) on every call."""

    def __init__(self, choices, **kwargs):
        self.labels = dict(choices)
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def to_representation(self, value):
        return str(self.labels.get(value, value))
