"""Every public output of the platform, for the crawls that prove nothing private is in any of them
(test_privacy_crawl.py, test_moderation_crawl.py)."""

from urllib.parse import quote


def public_paths(api, seeded: list[dict], *, searches: list[str]) -> list[tuple[str, dict]]:
    """(path, headers) of every public output about the `seeded` reports (public API answers, each
    with id, tracking_code and location), discovered where the API lists them, and the place and
    report searches for each of `searches`."""
    json_headers = {"Accept": "application/json"}
    html_headers = {"Accept": "text/html"}
    codes = [report["tracking_code"] for report in seeded]
    ids = [report["id"] for report in seeded]
    paths = []
    for prefix in ("", "/en"):
        paths += [f"{prefix}/", f"{prefix}/lapor/", f"{prefix}/lacak/", f"{prefix}/statistik/"]
        paths += [f"{prefix}/laporan/{code}/" for code in codes]
        paths += [f"{prefix}/lacak/?kode={code}" for code in codes]
    paths += [
        "/api/reports/?page_size=1000",
        "/api/reports/map/",
        "/api/reports/export.geojson",
        "/api/reports/export.csv",
        "/api/categories/",
        "/api/agencies/",
        f"/api/areas/?lon={seeded[0]['location'][0]}&lat={seeded[0]['location'][1]}",
        "/api/boundaries/?kind=kota,kecamatan,desa",
        "/api/geocode/?q=Sisir",
        *(f"/api/geocode/?q={quote(text[:20])}" for text in searches),
        *(f"/api/reports/?q={quote(text)}" for text in searches),
        "/api/stats/hotspots/assets/",
        "/api/stats/hotspots/clusters/",
    ]
    paths += [f"/api/stats/?group={group}" for group in ("agency", "kecamatan", "desa", "category", "month")]
    paths += [f"/api/reports/{pk}/" for pk in ids] + [f"/api/reports/track/{code}/" for code in codes]
    for fmt in ("xml", "json"):
        paths += [
            f"/open311/v2/discovery.{fmt}",
            f"/open311/v2/services.{fmt}",
            f"/open311/v2/services/pju-mati.{fmt}",
            f"/open311/v2/requests.{fmt}?extensions=true",
            f"/open311/v2/requests.{fmt}?extensions=true&service_request_id={','.join(map(str, ids))}",
            f"/open311/v2/servicerequestupdates.{fmt}",
        ]
        paths += [f"/open311/v2/requests/{pk}.{fmt}?extensions=true" for pk in ids]
        paths += [f"/open311/v2/tokens/{code}.{fmt}" for code in codes]
    collections = api.get("/ogcapi/collections", headers=json_headers).json()["collections"]
    assert {"reports", "areas"} <= {c["id"] for c in collections}
    paths += ["/ogcapi/", "/ogcapi/api", "/ogcapi/conformance", "/ogcapi/collections"]
    for collection in collections:
        paths += [
            f"/ogcapi/collections/{collection['id']}",
            f"/ogcapi/collections/{collection['id']}/items?limit=10000",
        ]
    paths += [f"/ogcapi/collections/reports/items/{pk}" for pk in ids]
    # Every GET operation of the API schema that needs no parameter, whatever it is.
    schema = api.get("/api/schema/", headers={"Accept": "application/vnd.oai.openapi+json"}).json()
    for path, operations in schema["paths"].items():
        get = operations.get("get")
        if get and "{" not in path and not any(p.get("required") for p in get.get("parameters", [])):
            paths.append(path)
    both = [(path, json_headers) for path in paths] + [
        (path, html_headers) for path in paths if path.startswith("/ogcapi/")
    ]
    return sorted(set((p, tuple(h.items())) for p, h in both))
