"""System checks that keep the geometry conventions honest across every app."""

from django.apps import apps
from django.conf import settings
from django.contrib.gis.db.models import GeometryField
from django.core import checks


@checks.register(checks.Tags.models)
def geometry_columns_use_the_project_srid(app_configs=None, **kwargs):
    errors = []
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if isinstance(field, GeometryField) and field.srid != settings.LAPOR_SRID:
                errors.append(
                    checks.Error(
                        f"{model._meta.label}.{field.name} is stored in SRID {field.srid}, "
                        f"not the project SRID {settings.LAPOR_SRID}.",
                        hint="Store WGS84 and do metric work through geography (districts.spatial).",
                        obj=field,
                        id="districts.E001",
                    )
                )
    return errors
