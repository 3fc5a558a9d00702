"""The detector of personal data in citizens' free text (geo_reports.personal_data): table-driven, in
the forms people in Indonesia write numbers, and the things that look like numbers but are not
personal (times, dates, amounts, RT/RW, asset ids, coordinates)."""

import pytest

from geo_reports.personal_data import MASK, mask

M = MASK

FOUND = [
    # mobile numbers, every way they are written
    ("Hubungi saya di 0812-3456-7890 ya", f"Hubungi saya di {M} ya", ("phone",)),
    ("wa +62 812 3456 7890", f"wa {M}", ("phone",)),
    ("telp 6281234567890.", f"telp {M}.", ("phone",)),
    ("+62-812-3456-7890", M, ("phone",)),
    ("hp 0812.3456.789", f"hp {M}", ("phone",)),
    ("wa 0812 3456 7890 / 0812-3456-7891", f"wa {M} / {M}", ("phone",)),
    # landlines with an area code (Malang's 0341)
    ("kantor 0341-512345", f"kantor {M}", ("phone",)),
    ("kantor (0341) 512345", f"kantor {M}", ("phone",)),
    # NIK: 16 digits, grouped or not
    ("NIK 3579012345670001", f"NIK {M}", ("nik",)),
    ("NIK: 3579 0123 4567 0001", f"NIK: {M}", ("nik",)),
    ("NIK 357901.234567.0001", f"NIK {M}", ("nik",)),
    ("ktp 3579-0123-4567-0001 hilang", f"ktp {M} hilang", ("nik",)),
    # e-mail addresses
    ("email budi.santoso@gmail.com tolong", f"email {M} tolong", ("email",)),
    ("Kirim ke warga+rw05@desa-punten.id", f"Kirim ke {M}", ("email",)),
    # other long runs of digits: accounts, customer and tax numbers
    ("rek BCA 1234567890", f"rek BCA {M}", ("digits",)),
    ("NOP 35.79.010.001.002-0003.0", f"NOP {M}", ("digits",)),
    # several kinds at once, each named once, in a fixed order
    (
        "Saya Budi, 0812 3456 7890, budi@contoh.id, NIK 3579012345670001",
        f"Saya Budi, {M}, {M}, NIK {M}",
        ("email", "nik", "phone"),
    ),
]

LEFT_ALONE = [
    "Jam 08.00 WIB tadi pagi",
    "Sejak 2024, lubang 50 cm, Rp 50.000, RT 02 RW 05",
    "tgl 12-05-2026 jam 14.30",
    "Lampu PJU-0012 mati 3 hari",
    "koordinat -7.8712, 112.5246",
    "pipa 0,5 meter",
    "nomor 0 8 1 2",
    "harga 1.250.000 rupiah, total Rp1.250.000.000",
    "surat no 123/456/2026",
    "",
]


@pytest.mark.parametrize(("text", "public", "kinds"), FOUND, ids=[case[0][:30] for case in FOUND])
def test_personal_data_is_masked(text, public, kinds):
    result = mask(text)
    assert result.text == public
    assert result.kinds == kinds and result.found


@pytest.mark.parametrize("text", LEFT_ALONE)
def test_what_is_not_personal_stays(text):
    result = mask(text)
    assert result.text == text
    assert result.kinds == () and not result.found
