"""Status you can read without colour, and the public map at 360 px (issue #15).

Every status group has its own marker shape and colours that stay apart for people with
deuteranopia or protanopia (measured on the colours the browser renders, through Machado et al.'s
simulation and CIEDE2000); badge text is at least 4.5:1; markers and map buttons are at least 44 px
for a finger. The home page names itself and its purpose at 360 px, its filter panel fits and never
covers another control, it shows that reports are loading, and a failed request becomes a message,
never an unhandled rejection.
"""

import itertools
import math
import re

import httpx
import pytest
from django.db import connection
from playwright.sync_api import expect

from districts.models import Asset
from tests.conftest import STAFF_PASSWORD
from tests.places import beside, moved

from .conftest import PHONE, axe_violations, screenshot

pytestmark = [pytest.mark.django_db, pytest.mark.browser]

GROUPS = ["open", "in_progress", "resolved", "dismissed"]
LABELS_ID = {
    "open": "Terbuka",
    "in_progress": "Ditindaklanjuti",
    "resolved": "Selesai",
    "dismissed": "Ditolak atau duplikat",
}
LABELS_EN = {"open": "Open", "in_progress": "In progress", "resolved": "Resolved", "dismissed": "Rejected or duplicate"}
OLD_COLOURS = {"open": "#c92a2a", "in_progress": "#d9480f", "resolved": "#2b8a3e", "dismissed": "#6b7374"}
MIN_DELTA_E = 15.0  # CIEDE2000 between any two groups, for normal vision and each simulated deficiency
MIN_CONTRAST = 4.5
MIN_TARGET_PX = 44
LOAD_FAILED_ID = "Laporan tidak dapat dimuat. Periksa koneksi lalu coba lagi."
PURPOSE_ID = "Laporkan masalah di ruang publik Kota Batu dan ikuti penanganannya oleh pemerintah kota."
PURPOSE_EN = "Report problems in public places in Kota Batu and follow how the city handles them."


# --- colour science (sRGB, WCAG contrast, Machado et al. 2009 at severity 1, CIEDE2000) -------------

MACHADO = {
    "deuteranopia": ((0.367322, 0.860646, -0.227968), (0.280085, 0.672501, 0.047413), (-0.011820, 0.042940, 0.968881)),
    "protanopia": ((0.152286, 1.052583, -0.204868), (0.114503, 0.786281, 0.099216), (-0.003882, -0.048116, 1.051998)),
}


def parse_colour(css: str) -> tuple[float, float, float]:
    """'#rrggbb' or the browser's 'rgb(r, g, b)' / 'rgba(r, g, b, 1)' → sRGB in 0..1."""
    if css.startswith("#"):
        return tuple(int(css[i : i + 2], 16) / 255 for i in (1, 3, 5))
    numbers = [float(v) for v in re.findall(r"[\d.]+", css)]
    assert len(numbers) == 3 or numbers[3] == 1, f"not an opaque colour: {css}"
    return tuple(v / 255 for v in numbers[:3])


def _linear(c: float) -> float:
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def _gamma(c: float) -> float:
    c = min(max(c, 0.0), 1.0)
    return 12.92 * c if c <= 0.0031308 else 1.055 * c ** (1 / 2.4) - 0.055


def luminance(rgb) -> float:
    r, g, b = (_linear(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a, b) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def simulate(rgb, deficiency: str | None):
    if deficiency is None:
        return rgb
    linear = [_linear(c) for c in rgb]
    return tuple(_gamma(sum(m * c for m, c in zip(row, linear, strict=True))) for row in MACHADO[deficiency])


def lab(rgb) -> tuple[float, float, float]:
    r, g, b = (_linear(c) for c in rgb)
    x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883

    def f(t):
        return t ** (1 / 3) if t > 216 / 24389 else (24389 / 27 * t + 16) / 116

    fx, fy, fz = f(x), f(y), f(z)
    return 116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)


def delta_e_2000(lab1, lab2) -> float:
    (l1, a1, b1), (l2, a2, b2) = lab1, lab2
    c_mean = (math.hypot(a1, b1) + math.hypot(a2, b2)) / 2
    g = 0.5 * (1 - math.sqrt(c_mean**7 / (c_mean**7 + 25**7)))
    a1p, a2p = (1 + g) * a1, (1 + g) * a2
    c1p, c2p = math.hypot(a1p, b1), math.hypot(a2p, b2)
    h1p = math.degrees(math.atan2(b1, a1p)) % 360 if c1p else 0.0
    h2p = math.degrees(math.atan2(b2, a2p)) % 360 if c2p else 0.0
    dlp, dcp = l2 - l1, c2p - c1p
    if c1p * c2p == 0:
        dhp = 0.0
    elif abs(h2p - h1p) <= 180:
        dhp = h2p - h1p
    else:
        dhp = h2p - h1p - 360 if h2p > h1p else h2p - h1p + 360
    d_big_h = 2 * math.sqrt(c1p * c2p) * math.sin(math.radians(dhp / 2))
    lp, cp = (l1 + l2) / 2, (c1p + c2p) / 2
    if c1p * c2p == 0:
        hp = h1p + h2p
    elif abs(h1p - h2p) <= 180:
        hp = (h1p + h2p) / 2
    else:
        hp = (h1p + h2p + 360) / 2 if h1p + h2p < 360 else (h1p + h2p - 360) / 2
    t = (
        1
        - 0.17 * math.cos(math.radians(hp - 30))
        + 0.24 * math.cos(math.radians(2 * hp))
        + 0.32 * math.cos(math.radians(3 * hp + 6))
        - 0.20 * math.cos(math.radians(4 * hp - 63))
    )
    rotation = (
        -math.sin(math.radians(60 * math.exp(-(((hp - 275) / 25) ** 2)))) * 2 * math.sqrt(cp**7 / (cp**7 + 25**7))
    )
    sl = 1 + 0.015 * (lp - 50) ** 2 / math.sqrt(20 + (lp - 50) ** 2)
    sc, sh = 1 + 0.045 * cp, 1 + 0.015 * cp * t
    return math.sqrt((dlp / sl) ** 2 + (dcp / sc) ** 2 + (d_big_h / sh) ** 2 + rotation * (dcp / sc) * (d_big_h / sh))


def closest_pairs(colours: dict[str, tuple]) -> dict[str, tuple[float, str, str]]:
    """For normal vision and each simulated deficiency: the smallest CIEDE2000 between two groups."""
    result = {}
    for deficiency in (None, "deuteranopia", "protanopia"):
        distances = [
            (delta_e_2000(lab(simulate(colours[a], deficiency)), lab(simulate(colours[b], deficiency))), a, b)
            for a, b in itertools.combinations(sorted(colours), 2)
        ]
        result[deficiency or "normal"] = min(distances)
    return result


def test_the_colour_check_tells_known_pairs_apart_and_fails_the_old_palette():
    """The measuring stick: CIEDE2000's published test pair, and the old palette failing the threshold
    (open and resolved 6.2 apart under deuteranopia, in progress and resolved 10.2 under protanopia)."""
    # Sharma, Wu and Dalal (2005), pair 1: ΔE00 = 2.0425.
    assert delta_e_2000((50.0, 2.6772, -79.7751), (50.0, 0.0, -82.7485)) == pytest.approx(2.0425, abs=1e-4)
    old = closest_pairs({g: parse_colour(c) for g, c in OLD_COLOURS.items()})
    assert old["deuteranopia"][0] < MIN_DELTA_E and old["protanopia"][0] < MIN_DELTA_E
    assert round(old["deuteranopia"][0], 1) == 6.2 and old["deuteranopia"][1:] == ("open", "resolved")
    assert contrast(parse_colour(OLD_COLOURS["in_progress"]), (1, 1, 1)) < MIN_CONTRAST  # 4.30:1


# --- the map's reports --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def four_reports(server, staff_token, committed) -> dict[str, dict]:
    """One report of each status group, 60 m apart along a street, committed through the API."""
    with committed():
        light = Asset.objects.filter(layer__code="street_lights").order_by("external_id")[1050]
        points = [moved(beside(light, 3), 60 * index, 90) for index in range(len(GROUPS))]
    auth = {"Authorization": f"Token {staff_token}"}
    moves = {
        "open": [],
        "in_progress": [("in_progress", "")],
        "resolved": [("verified", ""), ("resolved", "Lampu sudah diganti.")],
        "dismissed": [("rejected", "Lampu ini bukan milik kota.")],
    }
    made = {}
    for group, point in zip(GROUPS, points, strict=True):
        body = {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [point.x, point.y]},
            "properties": {"category": "pju-mati", "answers": {"problem": "out"}, "description": "Lampu mati."},
        }
        created = httpx.post(f"{server}/api/reports/", json=body).json()
        for version, (status, message) in enumerate(moves[group], start=1):
            httpx.post(
                f"{server}/api/reports/{created['id']}/transition/",
                json={"status": status, "version": version, "message": message},
                headers=auth,
            ).raise_for_status()
        made[group] = {"code": created["properties"]["tracking_code"], "point": point}
    return made


def map_ready(page) -> None:
    page.wait_for_function(
        "() => document.body.dataset.reportsLoaded !== undefined && document.body.dataset.tilesLoaded !== undefined"
    )


def show_every_group_at(page, point, zoom=17) -> None:
    """All four status groups ticked in the filter, the map on `point`, its markers drawn."""
    map_ready(page)
    page.evaluate(
        """() => {
            document.querySelectorAll('#filter-form input[name=status]').forEach((box) => { box.checked = true; });
            document.getElementById('filter-form').dispatchEvent(new Event('change', {bubbles: true}));
        }"""
    )
    map_ready(page)
    page.evaluate(
        "([lat, lon, z]) => window.leafletmapmap.setView([lat, lon], z, {animate: false})", [point.y, point.x, zoom]
    )
    page.wait_for_function("() => document.body.dataset.tilesLoaded !== undefined")


def marker_facts(page, codes: dict[str, str]) -> dict[str, dict]:
    """Per group: the marker's centre on the screen, its fill as the browser computes it, the size of
    its tap target and of its visible shape, and its silhouette (which of 25 by 25 points, 1 px apart
    around the centre, lie in the shape)."""
    page.wait_for_function(
        "codes => codes.every((code) => document.querySelector(`g.report-marker[data-code='${code}']`))",
        arg=list(codes.values()),
    )
    return page.evaluate(
        """(codes) => {
            const facts = {};
            for (const [group, code] of Object.entries(codes)) {
                const marker = document.querySelector(`g.report-marker[data-code='${code}']`);
                const shape = marker.querySelector('.report-shape'), hit = marker.querySelector('.report-hit');
                const cx = Number(hit.getAttribute('cx')), cy = Number(hit.getAttribute('cy'));
                const mask = [];
                for (let i = 0; i < 25; i++) for (let j = 0; j < 25; j++) {
                    mask.push(shape.isPointInFill(new DOMPoint(cx + (j - 12) * 1.0, cy + (i - 12) * 1.0)) ? 1 : 0);
                }
                const box = hit.getBoundingClientRect(), visible = shape.getBoundingClientRect();
                facts[group] = {
                    group: marker.dataset.group, fill: getComputedStyle(shape).fill, mask,
                    x: box.x + box.width / 2, y: box.y + box.height / 2,
                    target: [box.width, box.height], visible: [visible.width, visible.height],
                };
            }
            return facts;
        }""",
        codes,
    )


def jaccard_distance(a: list[int], b: list[int]) -> float:
    union = sum(1 for x, y in zip(a, b, strict=True) if x or y)
    both = sum(1 for x, y in zip(a, b, strict=True) if x and y)
    return 1 - both / union


def test_each_status_has_its_own_shape_and_colours_that_survive_colour_blindness(phone, server, four_reports):
    phone.goto(server + "/")
    show_every_group_at(phone, four_reports["in_progress"]["point"])
    facts = marker_facts(phone, {g: r["code"] for g, r in four_reports.items()})
    screenshot(phone, "status-markers-phone")
    assert {g: f["group"] for g, f in facts.items()} == {g: g for g in GROUPS}

    # Shapes: every pair of silhouettes differs in a good part of their combined area (the same shape
    # scores 0, as all the old circles did; the closest pair, circle and square, differ by the corners).
    shapes = {
        (a, b): jaccard_distance(facts[a]["mask"], facts[b]["mask"]) for a, b in itertools.combinations(GROUPS, 2)
    }
    print("shape distances (Jaccard):", {f"{a}/{b}": round(d, 2) for (a, b), d in shapes.items()})
    assert min(shapes.values()) >= 0.12, shapes

    # Colours as rendered: far enough apart for everyone.
    rendered = {g: parse_colour(f["fill"]) for g, f in facts.items()}
    closest = closest_pairs(rendered)
    print("closest pairs (CIEDE2000):", {k: (round(v[0], 1), v[1], v[2]) for k, v in closest.items()})
    for vision, (distance, a, b) in closest.items():
        assert distance >= MIN_DELTA_E, f"{vision}: {a} and {b} only {distance:.1f} apart"

    # A finger hits a marker anywhere within 22 px of its centre, beyond the drawn shape.
    for group, fact in facts.items():
        assert min(fact["target"]) >= MIN_TARGET_PX, (group, fact["target"])
        assert max(fact["visible"]) < MIN_TARGET_PX - 10  # the target is larger than what is drawn
    fact = facts["open"]
    phone.touchscreen.tap(fact["x"] + 19, fact["y"])
    popup = phone.locator(".leaflet-popup-content")
    expect(popup).to_contain_text(four_reports["open"]["code"])
    # The popup names the status group, never "Buka tiket".
    expect(popup.locator(".badge")).to_have_text("Terbuka")
    expect(popup).not_to_contain_text("Buka tiket")


def badge_contrasts(page) -> list[tuple[str, float]]:
    """Each visible badge's text and its contrast with the background, as the browser computes them."""
    found = page.evaluate(
        """() => Array.from(document.querySelectorAll('.badge')).filter((b) => b.offsetParent).map((b) => {
            const style = getComputedStyle(b);
            return {text: b.textContent.trim(), color: style.color, background: style.backgroundColor};
        })"""
    )
    return [(b["text"], contrast(parse_colour(b["color"]), parse_colour(b["background"]))) for b in found]


def test_badges_read_at_4_5_to_1_in_popups_on_the_report_page_and_for_staff(phone, server, four_reports, staff_users):
    phone.goto(server + "/")
    show_every_group_at(phone, four_reports["in_progress"]["point"])
    measured = []
    for group in GROUPS:
        # The last popup moved the map to show itself: where the marker is now.
        phone.evaluate("window.leafletmapmap.closePopup()")
        fact = marker_facts(phone, {group: four_reports[group]["code"]})[group]
        phone.touchscreen.tap(fact["x"], fact["y"])
        expect(phone.locator(f".leaflet-popup-content .badge.{group}")).to_have_text(LABELS_ID[group])
        phone.wait_for_function("() => document.querySelectorAll('.leaflet-popup').length === 1")
        phone.wait_for_timeout(300)  # the popup's fade
        measured += badge_contrasts(phone)
        screenshot(phone, f"status-popup-{group}")
    for group, report in four_reports.items():
        phone.goto(server + f"/laporan/{report['code']}/")
        badge = phone.locator("#status-badge")
        expect(badge).to_have_class(re.compile(rf"\b{group}\b"))
        # The badge shows the group's shape: the same icon as the legend's.
        icon = badge.evaluate("b => getComputedStyle(b, '::before').backgroundImage")
        phone.goto(server + "/")
        assert (
            phone.locator(f".legend .status-icon.{group}").evaluate("i => getComputedStyle(i).backgroundImage") == icon
        )
        phone.goto(server + f"/laporan/{report['code']}/")
        measured += badge_contrasts(phone)
    screenshot(phone, "status-report-page-dismissed")
    # Staff pages use the same badges.
    phone.goto(server + "/masuk/")
    phone.fill("#id_username", "admin-test")
    phone.fill("#id_password", STAFF_PASSWORD)
    phone.click("button[type=submit]")
    expect(phone).to_have_url(server + "/petugas/")
    phone.goto(server + "/petugas/?status=all")
    staff = badge_contrasts(phone)
    assert staff, "the inbox shows status badges"
    measured += staff
    print("badge contrasts:", sorted({(t, round(c, 2)) for t, c in measured}))
    assert len(measured) >= 8
    assert [(t, round(c, 2)) for t, c in measured if c < MIN_CONTRAST] == []


def test_the_legend_lists_every_group_with_the_maps_shapes(phone, server, four_reports):
    phone.goto(server + "/")
    show_every_group_at(phone, four_reports["in_progress"]["point"])
    marker_facts(phone, {g: r["code"] for g, r in four_reports.items()})  # the markers are drawn
    items = phone.locator(".legend li:visible")
    expect(items).to_have_text([LABELS_ID[g] for g in GROUPS])
    # Each legend icon, drawn on a canvas, matches its own group's marker best (the marker's path scaled
    # onto the icon's 20 px box) and every other group's less.
    similarity = phone.evaluate(
        """async (codes) => {
            const size = 80, scale = size / 20;
            function silhouette(draw) {
                const canvas = document.createElement('canvas');
                canvas.width = canvas.height = size;
                const context = canvas.getContext('2d');
                draw(context);
                const data = context.getImageData(0, 0, size, size).data, mask = [];
                for (let i = 3; i < data.length; i += 4) mask.push(data[i] > 127 ? 1 : 0);
                return mask;
            }
            async function iconMask(group) {
                const url = getComputedStyle(document.querySelector(`.legend .status-icon.${group}`)).backgroundImage.slice(5, -2);
                const image = new Image();
                image.src = url.replace(/\\\\"/g, '"');
                await image.decode();
                return silhouette((c) => c.drawImage(image, 0, 0, size, size));
            }
            function markerMask(group) {
                const marker = document.querySelector(`g.report-marker[data-code='${codes[group]}']`);
                const hit = marker.querySelector('.report-hit'), shape = marker.querySelector('.report-shape');
                const cx = Number(hit.getAttribute('cx')), cy = Number(hit.getAttribute('cy'));
                const k = 7.8 / Number(marker.dataset.radius);  // the icons draw a radius of 7.8 on 20 px
                return silhouette((c) => {
                    c.setTransform(scale * k, 0, 0, scale * k, scale * (10 - cx * k), scale * (10 - cy * k));
                    const path = new Path2D(shape.getAttribute('d'));
                    c.fill(path);
                    c.lineWidth = Number(shape.getAttribute('stroke-width')) * (1.6 / 2.5) / k;
                    c.lineJoin = 'round';
                    c.stroke(path);
                });
            }
            const groups = Object.keys(codes), result = {};
            const icons = {}, markers = {};
            for (const g of groups) { icons[g] = await iconMask(g); markers[g] = markerMask(g); }
            for (const a of groups) {
                result[a] = {};
                for (const b of groups) {
                    let both = 0, either = 0;
                    icons[a].forEach((v, i) => { both += v && markers[b][i]; either += v || markers[b][i]; });
                    result[a][b] = both / either;
                }
            }
            return result;
        }""",
        {g: r["code"] for g, r in four_reports.items()},
    )
    print(
        "legend icon / marker similarity:",
        {a: {b: round(v, 2) for b, v in row.items()} for a, row in similarity.items()},
    )
    for group in GROUPS:
        own = similarity[group][group]
        assert own >= 0.9, (group, similarity[group])
        assert all(own - other >= 0.08 for g, other in similarity[group].items() if g != group), similarity[group]
    screenshot(phone, "status-legend-phone")
    phone.goto(server + "/en/")
    expect(phone.locator(".legend li:visible")).to_have_text([LABELS_EN[g] for g in GROUPS])


def test_zoom_buttons_are_44_px_on_a_phone_and_titled_in_the_pages_language(phone, server, four_reports):
    for prefix, titles in (("", ["Perbesar", "Perkecil"]), ("/en", ["Zoom in", "Zoom out"])):
        for path in ("/", "/lapor/", f"/laporan/{four_reports['open']['code']}/", "/info/acara/"):
            phone.goto(server + prefix + path)
            phone.wait_for_function("() => !!window.leafletmapmap")
            buttons = phone.locator(".leaflet-control-zoom a")
            assert [buttons.nth(i).get_attribute("title") for i in range(2)] == titles, prefix + path
            assert [buttons.nth(i).get_attribute("aria-label") for i in range(2)] == titles
            for i in range(2):
                box = buttons.nth(i).bounding_box()
                assert box["width"] >= MIN_TARGET_PX and box["height"] >= MIN_TARGET_PX, box


def test_the_basemap_credits_are_in_the_pages_language(phone, server):
    phone.goto(server + "/en/")
    attribution = phone.locator(".leaflet-control-attribution")
    expect(attribution).to_contain_text("Boundaries: BIG/Kemendagri")
    expect(attribution).to_contain_text("synthetic demo data")
    expect(attribution).not_to_contain_text("Batas")
    expect(attribution).not_to_contain_text("sintetis")
    phone.goto(server + "/")
    expect(phone.locator(".leaflet-control-attribution")).to_contain_text("Batas wilayah: BIG/Kemendagri")


# --- the home page at 360 px ----------------------------------------------------------------------


def _boxes(page, selectors: dict[str, str]) -> dict[str, dict]:
    return {name: page.locator(selector).first.bounding_box() for name, selector in selectors.items()}


def _overlap(a, b) -> bool:
    return (
        a["x"] < b["x"] + b["width"]
        and b["x"] < a["x"] + a["width"]
        and a["y"] < b["y"] + b["height"]
        and b["y"] < a["y"] + a["height"]
    )


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_at_360_px_the_name_and_purpose_show_and_the_open_filters_fit_beside_every_control(phone, server, prefix):
    phone.goto(server + prefix + "/")
    map_ready(phone)
    name, purpose = phone.locator(".home-intro h1"), phone.locator(".home-intro p")
    expect(name).to_have_text("Lapor Batu")
    expect(purpose).to_have_text(PURPOSE_EN if prefix else PURPOSE_ID)
    for element in (name, purpose):
        expect(element).to_be_visible()
        box = element.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
        assert box["y"] >= 56  # below the header
        # Nothing lies over it: the point in its middle is the element itself.
        assert element.evaluate(
            "e => { const r = e.getBoundingClientRect(); return e.contains(document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2)); }"
        )
    assert purpose.evaluate("e => e.scrollWidth <= e.clientWidth || getComputedStyle(e).display === 'inline'")
    screenshot(phone, f"status-home-phone{prefix.replace('/', '-')}")

    phone.click("#filters summary")
    expect(phone.locator("#filter-form")).to_be_visible()
    screenshot(phone, f"status-filters-open-phone{prefix.replace('/', '-')}")
    controls = {
        "zoom": ".leaflet-control-zoom",
        "report button": ".fab",
        "services link": ".services-link",
        "legend": ".legend",
        "attribution": ".leaflet-control-attribution",
    }
    panel = phone.locator("#filters").bounding_box()
    for control, box in _boxes(phone, controls).items():
        assert not _overlap(panel, box), f"the open filter panel covers the {control}: {panel} / {box}"
    assert panel["x"] >= 0 and panel["x"] + panel["width"] <= PHONE["width"]
    # Every label and legend of the panel is whole: not cut by its own box nor by the panel's.
    clipped = phone.evaluate(
        """() => {
            const panel = document.getElementById('filters'), bounds = panel.getBoundingClientRect(), bad = [];
            panel.querySelectorAll('label, legend, summary').forEach((e) => {
                e.scrollIntoView({block: 'nearest'});
                const r = e.getBoundingClientRect(), p = panel.getBoundingClientRect();
                if (e.scrollWidth > e.clientWidth + 1 || r.left < bounds.left - 0.5 || r.right > bounds.right + 0.5
                    || r.top < p.top - 0.5 || r.bottom > p.bottom + 0.5) bad.push(e.textContent.trim());
            });
            panel.querySelectorAll('.status-choices label > span:last-child').forEach((s) => {
                const r = s.getBoundingClientRect(), l = s.parentElement.getBoundingClientRect();
                if (r.right > l.right + 0.5 || s.scrollWidth > s.clientWidth + 1) bad.push(s.textContent.trim());
            });
            return bad;
        }"""
    )
    assert clipped == []
    labels = LABELS_EN if prefix else LABELS_ID
    expect(phone.locator("#filters .status-choices label")).to_have_text(list(labels.values()))
    # Scrolled to its end, the panel still shows the summary that closes it.
    phone.locator("#show-desa").scroll_into_view_if_needed()
    summary = phone.locator("#filters summary")
    assert summary.evaluate(
        "e => { const r = e.getBoundingClientRect(); return e.contains(document.elementFromPoint(r.x + 20, r.y + r.height / 2)); }"
    )
    screenshot(phone, f"status-filters-scrolled-phone{prefix.replace('/', '-')}")
    summary.click()
    expect(phone.locator("#filter-form")).to_be_hidden()


def test_on_a_desktop_the_open_filters_cover_nothing_either(desktop, server):
    desktop.goto(server + "/")
    map_ready(desktop)
    desktop.click("#filters summary")
    panel = desktop.locator("#filters").bounding_box()
    boxes = _boxes(
        desktop, {"zoom": ".leaflet-control-zoom", "fab": ".fab", "services": ".services-link", "legend": ".legend"}
    )
    assert [name for name, box in boxes.items() if _overlap(panel, box)] == []
    assert desktop.evaluate(
        "() => Array.from(document.querySelectorAll('#filters label')).every((l) => l.scrollWidth <= l.clientWidth + 1)"
    )
    screenshot(desktop, "status-filters-open-desktop")
    # A phone on its side: the panel still opens tall enough to use, beside the buttons.
    desktop.set_viewport_size({"width": 640, "height": 360})
    desktop.goto(server + "/")
    map_ready(desktop)
    closed = desktop.locator("#filters").bounding_box()
    boxes = _boxes(desktop, {"legend": ".legend", "zoom": ".leaflet-control-zoom", "services": ".services-link"})
    assert [name for name, box in boxes.items() if _overlap(closed, box)] == []
    screenshot(desktop, "status-home-landscape")
    desktop.click("#filters summary")
    panel = desktop.locator("#filters").bounding_box()
    assert panel["height"] >= 150, panel
    boxes = _boxes(desktop, {"zoom": ".leaflet-control-zoom", "fab": ".fab", "services": ".services-link"})
    assert [name for name, box in boxes.items() if _overlap(panel, box)] == []
    assert [
        name
        for name in ("legend",)
        if desktop.locator(".legend").is_visible() and _overlap(panel, desktop.locator(".legend").bounding_box())
    ] == []
    screenshot(desktop, "status-filters-open-landscape")


def test_a_loading_state_shows_until_the_count_and_the_markers_have_arrived(phone, server, four_reports):
    held = {"count": [], "tiles": []}
    phone.route("**/api/reports/count/**", lambda route: held["count"].append(route))
    phone.route("**/api/tiles/reports/**", lambda route: held["tiles"].append(route))
    phone.goto(server + "/")
    status = phone.locator("#map-status")
    expect(status).to_have_text("Memuat…")
    expect(status.locator(".spinner")).to_be_visible()
    expect(phone.locator("#map")).to_have_attribute("aria-busy", "true")
    screenshot(phone, "status-loading-phone")
    # The count first: still loading, the number is not shown before the markers.
    for route in held["count"]:
        route.continue_()
    held["count"].clear()
    phone.wait_for_timeout(500)
    expect(status).to_have_text("Memuat…")
    expect(phone.locator("#summary")).not_to_contain_text("laporan ditampilkan")
    phone.unroute("**/api/tiles/reports/**")
    for route in held["tiles"]:
        route.continue_()
    expect(phone.locator("#summary")).to_contain_text("laporan ditampilkan")
    expect(status).to_be_hidden()
    expect(phone.locator("#map")).not_to_have_attribute("aria-busy", "true")


@pytest.mark.parametrize("failure", ["500", "network"])
def test_failed_requests_become_a_message_and_the_map_recovers(phone, server, four_reports, failure):
    phone.add_init_script(
        "window.__rejections = []; window.addEventListener('unhandledrejection', (e) => window.__rejections.push(String(e.reason)));"
    )
    console_errors = []
    phone.on("console", lambda message: message.type == "error" and console_errors.append(message.text))

    def fail(route):
        if failure == "500":
            route.fulfill(status=500, content_type="application/json", body='{"detail": "boom"}')
        else:
            route.abort("failed")

    for pattern in ("**/api/reports/count/**", "**/api/tiles/reports/**", "**/api/boundaries/**"):
        phone.route(pattern, fail)
    phone.goto(server + "/")
    status = phone.locator("#map-status")
    expect(status).to_contain_text(LOAD_FAILED_ID)
    expect(status.get_by_role("button", name="Coba lagi")).to_be_visible()
    phone.wait_for_timeout(1000)  # every tile has answered
    screenshot(phone, f"status-failed-{failure}-phone")
    assert phone.evaluate("window.__rejections") == []
    assert [m for m in console_errors if not m.startswith("Failed to load resource")] == []
    # The page stays usable: the filters open, and once the server answers again, trying again works.
    phone.click("#filters summary")
    expect(phone.locator("#filter-form")).to_be_visible()
    phone.click("#filters summary")
    phone.unroute_all()
    status.get_by_role("button", name="Coba lagi").click()
    map_ready(phone)
    expect(status).to_be_hidden()
    expect(phone.locator("#summary")).to_contain_text("laporan ditampilkan")
    assert phone.evaluate("window.__rejections") == []


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_no_serious_accessibility_problems_with_the_filters_or_a_popup_open(phone, server, four_reports, prefix):
    phone.goto(server + prefix + "/")
    map_ready(phone)
    phone.click("#filters summary")
    assert axe_violations(phone) == []
    phone.click("#filters summary")
    show_every_group_at(phone, four_reports["in_progress"]["point"])
    facts = marker_facts(phone, {g: r["code"] for g, r in four_reports.items()})
    phone.touchscreen.tap(facts["resolved"]["x"], facts["resolved"]["y"])
    expect(phone.locator(".leaflet-popup-content .badge")).to_have_text(
        (LABELS_EN if prefix else LABELS_ID)["resolved"]
    )
    assert axe_violations(phone) == []
    screenshot(phone, f"status-popup-open{prefix.replace('/', '-')}")


@pytest.fixture(scope="module")
def cell_tile(committed) -> bytes:
    """A report tile as the server makes it for a busy area (ST_AsMVT): four grid cells, one of each
    majority group, holding 3, 27, 140 and 2,500 reports."""
    with committed(), connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT ST_AsMVT(t, 'reports', 4096, 'geom') FROM (
                SELECT * FROM (VALUES
                    (3, 2, 1, 0, 0, 'open', ST_Point(1100, 1100)),
                    (27, 5, 20, 2, 0, 'in_progress', ST_Point(3000, 1100)),
                    (140, 10, 30, 100, 0, 'resolved', ST_Point(1100, 3000)),
                    (2500, 100, 0, 400, 2000, 'dismissed', ST_Point(3000, 3000))
                ) AS cells(count, open, in_progress, resolved, dismissed, "group", geom)
            ) AS t
            """
        )
        return bytes(cursor.fetchone()[0])


def test_grid_cells_take_their_majority_groups_shape_and_show_a_readable_count(phone, server, cell_tile):
    phone.route(
        "**/api/tiles/reports/**",
        lambda route: route.fulfill(status=200, content_type="application/vnd.mapbox-vector-tile", body=cell_tile),
    )
    phone.goto(server + "/")
    map_ready(phone)
    phone.wait_for_function("() => document.querySelectorAll('g.report-marker.cell').length >= 4")
    cells = phone.evaluate(
        """() => {
            const seen = {};
            document.querySelectorAll('g.report-marker.cell').forEach((cell) => {
                const count = cell.querySelector('.report-count'), shape = cell.querySelector('.report-shape');
                const text = count.getBoundingClientRect(), drawn = shape.getBoundingClientRect();
                const target = cell.querySelector('.report-hit').getBoundingClientRect();
                const visible = document.elementFromPoint(drawn.x + drawn.width / 2, drawn.y + drawn.height / 2);
                if (!visible || !cell.contains(visible)) return;  // another tile's copy lies on top
                seen[cell.dataset.group] = {
                    label: count.textContent, fill: getComputedStyle(shape).fill, textFill: getComputedStyle(count).fill,
                    d: shape.getAttribute('d'), target: [target.width, target.height],
                    inside: text.left >= drawn.left && text.right <= drawn.right && text.top >= drawn.top && text.bottom <= drawn.bottom,
                    x: drawn.x + drawn.width / 2, y: drawn.y + drawn.height / 2,
                };
            });
            return seen;
        }"""
    )
    screenshot(phone, "status-cells-phone")
    assert sorted(cells) == sorted(GROUPS)
    assert {g: c["label"] for g, c in cells.items()} == {
        "open": "3",
        "in_progress": "27",
        "resolved": "140",
        "dismissed": "2,5\xa0rb",
    }
    for group, cell in cells.items():
        assert cell["inside"], f"the count of the {group} cell runs out of its shape"
        assert min(cell["target"]) >= MIN_TARGET_PX
        assert contrast(parse_colour(cell["textFill"]), parse_colour(cell["fill"])) >= MIN_CONTRAST
    # Four different outlines (the path's commands differ by shape: arcs, 4 corners, curves, 8 corners).
    assert len({re.sub(r"[-\d.\s]+", " ", c["d"]) for c in cells.values()}) == 4
    phone.touchscreen.tap(cells["resolved"]["x"], cells["resolved"]["y"])
    popup = phone.locator(".leaflet-popup-content")
    expect(popup.locator("h3")).to_contain_text("140")
    expect(popup.locator(".popup-counts li")).to_have_text(["Terbuka: 10", "Ditindaklanjuti: 30", "Selesai: 100"])
    expect(popup.locator(".popup-counts .status-icon")).to_have_count(3)
    phone.wait_for_timeout(300)
    screenshot(phone, "status-cell-popup-phone")
