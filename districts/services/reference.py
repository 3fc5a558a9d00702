"""Loading the reference data the city edits afterwards in the admin: agencies, asset layers and
the road class rules of the OpenStreetMap import.

Rows are keyed on their `code`. A row that already exists is left as the administrator edited it,
unless `overwrite=True`: re-running the demo set-up never undoes the city's own changes. Road class
rules have no code: they are seeded only into an empty table.
"""

import json
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction

from ..models import Agency, Area, AssetLayer, AssetOwnership, RoadClassRule

ROAD_CLASS_RULES = Path(settings.BASE_DIR) / "fixtures" / "osm_road_classes.json"


@dataclass
class SyncResult:
    created: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)


def _sync(model, code: str, values: dict, overwrite: bool, result: SyncResult):
    instance = model.objects.filter(code=code).first()
    if instance is None:
        instance = model.objects.create(code=code, **values)
        result.created.append(code)
    elif overwrite:
        for name, value in values.items():
            setattr(instance, name, value)
        instance.save()
        result.updated.append(code)
    else:
        result.kept.append(code)
    return instance


@transaction.atomic
def agencies_load(*, path: Path, overwrite: bool = False) -> SyncResult:
    result = SyncResult()
    rows = json.loads(Path(path).read_text(encoding="utf-8"))
    areas = {area.code: area for area in Area.objects.all()}
    for row in rows:
        row = dict(row)
        code = row.pop("code")
        area_code = row.pop("area_code", None)
        if area_code:
            if area_code not in areas:
                raise ValueError(f"agency {code}: area {area_code} is not loaded")
            row["area"] = areas[area_code]
        _sync(Agency, code, row, overwrite, result)
    return result


@transaction.atomic
def asset_layers_load(*, path: Path, overwrite: bool = False, synthetic: bool = False) -> SyncResult:
    result = SyncResult()
    rows = json.loads(Path(path).read_text(encoding="utf-8"))
    agencies = {agency.code: agency for agency in Agency.objects.all()}
    for row in rows:
        row = dict(row)
        code = row.pop("code")
        ownerships = row.pop("ownerships", {})
        owner_code = row.pop("default_owner", None)
        row["default_owner"] = agencies[owner_code] if owner_code else None
        row.setdefault("is_synthetic", synthetic)
        created_before = len(result.created)
        layer = _sync(AssetLayer, code, row, overwrite, result)
        if overwrite or len(result.created) > created_before:
            for value, agency_code in ownerships.items():
                AssetOwnership.objects.update_or_create(
                    layer=layer, attribute_value=value, defaults={"agency": agencies[agency_code]}
                )
    return result


@transaction.atomic
def road_class_rules_load(*, path: Path = ROAD_CLASS_RULES) -> int:
    """Seed the road class rules from `path` when the table is empty; returns how many were created.

    Once there are rules, they are the city's (edited in the admin) and the file is not read again.
    """
    if RoadClassRule.objects.exists():
        return 0
    rules = [RoadClassRule(**row) for row in json.loads(Path(path).read_text(encoding="utf-8"))]
    for rule in rules:
        rule.full_clean()
    RoadClassRule.objects.bulk_create(rules)
    return len(rules)
