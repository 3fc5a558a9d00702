"""The agencies' pages under /petugas/info/ in real Chromium through the real server: an operator
publishes an event and citizens see it; the trade agency records a market's prices; planners and other
agencies' staff are refused, with the reason."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from city_info.models import Event, Market, Price
from tests.conftest import STAFF_PASSWORD

from .conftest import axe_violations, screenshot, wider_than_the_phone

pytestmark = [pytest.mark.django_db, pytest.mark.browser]


def sign_in(page, server, username, then: str = "/petugas/info/"):
    page.goto(server + "/masuk/?next=" + then)
    page.fill("#id_username", username)
    page.fill("#id_password", STAFF_PASSWORD)
    page.click("button[type=submit]")
    expect(page).to_have_url(server + then)


def tap_place_map(page, lon: float, lat: float) -> None:
    """Centre the form's map on the spot and tap its middle, as staff would tap the place."""
    page.wait_for_function("() => !!window.CityInfoPlace")
    page.evaluate("([lat, lon]) => window.CityInfoPlace.map.setView([lat, lon], 17, {animate: false})", [lat, lon])
    page.locator("#placemap").scroll_into_view_if_needed()
    box = page.locator("#placemap").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)


def test_an_operator_publishes_an_event_and_citizens_see_it(desktop, new_phone, server, info_staff, city_info_demo):
    sign_in(desktop, server, "dishub-operator")
    expect(desktop.locator("h1")).to_have_text("Informasi kota")
    expect(desktop.locator("#new-lowongan")).to_have_count(0)  # vacancies are Disnaker's
    expect(desktop.locator("#record-prices")).to_have_count(0)
    # Dishub's own event can be edited; none of another agency's is listed.
    own = Event.objects.get(title="Uji Emisi Kendaraan Gratis")
    expect(desktop.locator(f"#section-acara tr[data-id='{own.pk}']")).to_contain_text("Ubah")
    expect(desktop.locator("#section-acara")).not_to_contain_text("Festival Apel Kota Batu")
    screenshot(desktop, "info-staff-dashboard-desktop")
    assert axe_violations(desktop) == []
    desktop.click("#new-acara")
    expect(desktop.locator("h1")).to_have_text("Acara baru")

    # Sent without a place and with the end before the start: both are named, nothing is saved.
    start = timezone.localtime().replace(second=0, microsecond=0) + dt.timedelta(days=4)
    desktop.fill("#id_title", "Sosialisasi Tertib Parkir")
    desktop.fill("#id_title_en", "Parking Rules Info Session")
    desktop.fill("#id_description", "Penjelasan aturan parkir di kawasan alun-alun.")
    desktop.fill("#id_starts_at", start.strftime("%Y-%m-%dT%H:%M"))
    desktop.fill("#id_ends_at", (start - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"))
    desktop.fill("#id_place_name", "Pendopo Alun-alun")
    before = Event.objects.count()
    desktop.click("#save")
    expect(desktop.locator("#form-errors")).to_have_text("Periksa isian yang bertanda merah.")
    expect(desktop.locator("#error-location")).to_have_text(
        "Pilih lokasinya: ketuk peta, atau ketik bujur dan lintangnya."
    )
    desktop.wait_for_function("() => document.body.dataset.outlinesDrawn === '2'")  # the map's context without tiles
    screenshot(desktop, "info-staff-event-errors-desktop")
    assert axe_violations(desktop) == []
    assert Event.objects.count() == before
    # A place in Kota Malang is refused by the service, on the same field.
    desktop.fill("#id_location_0", "112.6302")
    desktop.fill("#id_location_1", "-7.9666")
    desktop.click("#save")
    expect(desktop.locator("#error-location")).to_have_text("Lokasi harus berada di dalam wilayah Kota Batu.")
    expect(desktop.locator("#error-ends_at")).to_have_text("Acara tidak bisa selesai sebelum dimulai.")
    assert Event.objects.count() == before

    desktop.fill("#id_ends_at", (start + dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"))
    tap_place_map(desktop, 112.5268, -7.8717)
    assert abs(float(desktop.input_value("#id_location_0")) - 112.5268) < 0.0005
    assert abs(float(desktop.input_value("#id_location_1")) + 7.8717) < 0.0005
    desktop.click("#save")
    expect(desktop).to_have_url(re.compile(r"/info/acara/\d+/$"))
    expect(desktop.locator(".messages")).to_contain_text("Acara tersimpan dan tampil untuk publik.")
    expect(desktop.locator("#item-title")).to_have_text("Sosialisasi Tertib Parkir")
    expect(desktop.locator("#edit-link")).to_be_visible()
    event = Event.objects.get(title="Sosialisasi Tertib Parkir")
    assert event.agency.code == "dishub" and event.created_by.username == "dishub-operator" and not event.is_demo

    # A citizen on a phone finds it in the list and on the map, in both languages.
    citizen = new_phone()
    citizen.goto(server + "/info/acara/")
    entry = citizen.locator(f"#event-list > li[data-id='{event.pk}']")
    expect(entry).to_contain_text("Sosialisasi Tertib Parkir")
    expect(entry).to_contain_text("Pendopo Alun-alun")
    expect(entry.locator(".badge.demo")).to_have_count(0)
    citizen.wait_for_function("() => document.body.dataset.featuresShown !== undefined")
    assert citizen.evaluate("id => window.CityInfo.layer.getLayers().some(l => l.feature.id === id)", event.pk)
    citizen.goto(server + "/en/info/acara/")
    expect(citizen.locator(f"#event-list > li[data-id='{event.pk}']")).to_contain_text("Parking Rules Info Session")

    # Edited, then deleted: gone from the public list.
    desktop.click("#edit-link")
    expect(desktop.locator("#id_title")).to_have_value("Sosialisasi Tertib Parkir")
    assert abs(float(desktop.input_value("#id_location_0")) - 112.5268) < 0.0005
    desktop.fill("#id_title", "Sosialisasi Tertib Parkir Kendaraan")
    desktop.click("#save")
    expect(desktop.locator("#item-title")).to_have_text("Sosialisasi Tertib Parkir Kendaraan")
    desktop.click("#edit-link")
    desktop.get_by_role("link", name="Hapus").click()
    desktop.click("#confirm-delete")
    expect(desktop).to_have_url(server + "/petugas/info/")
    expect(desktop.locator(".messages")).to_contain_text("Acara telah dihapus.")
    assert not Event.objects.filter(pk=event.pk).exists()
    citizen.goto(server + "/info/acara/")
    expect(citizen.locator(f"#event-list > li[data-id='{event.pk}']")).to_have_count(0)


def test_the_trade_agency_records_a_market_survey_on_a_phone(new_phone, server, info_staff, city_info_demo):
    market = Market.objects.get(name="Pasar Desa Bumiaji")
    today = timezone.localdate()
    page = new_phone()
    sign_in(page, server, "diskumdag-operator")
    page.click("#record-prices")
    page.select_option("#choose-market", str(market.pk))
    page.fill("#choose-date", today.isoformat())
    page.locator("#survey-choice button").click()
    expect(page.locator("#id_market")).to_have_value(str(market.pk))
    page.fill("#id_price_beras-medium", "14.210")  # as people write rupiah (demo prices are whole hundreds)
    page.fill("#id_price_telur-ayam", "tiga puluh ribu")
    page.click("#save")
    expect(page.locator("#error-price_telur-ayam")).to_have_text(
        "Masukkan harga dalam rupiah bulat, dari 1 sampai 5.000.000."
    )
    assert not Price.objects.filter(market=market, date=today, commodity__code="beras-medium", price=14_210).exists()
    page.fill("#id_price_telur-ayam", "30510")
    page.click("#save")
    # Both prices are new or changed (prices other tests recorded for today are shown and kept as they are).
    expect(page.locator(".messages")).to_contain_text("2 harga di Pasar Desa Bumiaji")
    assert wider_than_the_phone(page) == []
    screenshot(page, "info-staff-prices-phone")
    assert axe_violations(page) == []
    assert Price.objects.get(market=market, date=today, commodity__code="telur-ayam").price == 30_510
    # The form shows what is recorded for that day now.
    expect(page.locator("#id_price_beras-medium")).to_have_value("14210")

    page.goto(server + "/info/harga/")
    column = list(Market.objects.filter(is_active=True).order_by("name")).index(market)
    cell = page.locator("#latest-prices tr[data-commodity=beras-medium] td").nth(column)
    expect(cell).to_have_text("14.210")


def test_planners_read_and_other_agencies_are_refused_with_the_reason(new_phone, server, info_staff, city_info_demo):
    planner = new_phone()
    sign_in(planner, server, "planner-test")
    expect(planner.locator("h1")).to_have_text("Informasi kota")
    expect(planner.locator("#section-acara")).to_contain_text("Festival Apel Kota Batu")  # reads everything
    expect(planner.locator("a.button", has_text="Tambah")).to_have_count(0)
    expect(planner.locator("#section-acara").get_by_role("link", name=re.compile("^Ubah"))).to_have_count(0)
    assert wider_than_the_phone(planner) == []
    screenshot(planner, "info-staff-dashboard-planner-phone")
    assert axe_violations(planner) == []
    response = planner.goto(server + "/petugas/info/acara/baru/")
    assert response.status == 403
    expect(planner.locator("#refusal-reason")).to_have_text(
        "Hanya operator dan supervisor instansi penerbit yang dapat melakukan ini."
    )

    dlh = new_phone()
    sign_in(dlh, server, "dlh-operator")
    festival = Event.objects.get(title="Festival Apel Kota Batu")
    assert dlh.goto(server + f"/petugas/info/acara/{festival.pk}/").status == 403
    assert dlh.goto(server + f"/petugas/info/acara/{festival.pk}/hapus/").status == 403
    assert dlh.goto(server + "/petugas/info/harga/").status == 403
    expect(dlh.locator("#refusal-reason")).to_contain_text("Dinas Koperasi, Usaha Mikro dan Perdagangan Kota Batu")
    assert Event.objects.filter(pk=festival.pk).exists()

    anonymous = new_phone()
    anonymous.goto(server + "/petugas/info/")
    expect(anonymous).to_have_url(re.compile(r"/masuk/\?next=/petugas/info/$"))
