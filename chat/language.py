"""Which language a citizen writes: Indonesian unless their words are plainly English.

A count of common words of each language in the message; the conversation keeps its language when
neither wins (a place name, a tracking code, "ok").
"""

import re

WORDS = re.compile(r"[a-z']+")

ENGLISH_WORDS = """
    hi hello hey good morning afternoon evening night please thanks thank you i i'm im my me we our
    want would like need to report a an the is are was there here this that it it's with of in on at
    for from and or but not no yes can could how what where when why which broken damaged road street
    light lights water pipe leak leaking trash garbage rubbish tree fallen fell flood flooding power
    outage problem help check delete data cancel
"""
INDONESIAN_WORDS = """
    halo hai selamat pagi siang sore malam tolong mohon terima kasih saya aku kami kita mau ingin
    perlu lapor melapor laporan ada yang ini itu di ke dari dan atau tapi tidak bukan ya bisa gimana
    bagaimana apa mana dimana kapan kenapa jalan rusak berlubang lubang lampu mati air pipa bocor sampah
    pohon tumbang banjir listrik padam masalah bantuan cek hapus data batal min kak pak bu mas mbak
    assalamualaikum permisi sudah belum
"""
ENGLISH = frozenset(ENGLISH_WORDS.split())
INDONESIAN = frozenset(INDONESIAN_WORDS.split())


def language_of(text: str) -> str | None:
    """The language the words are in ("en" or "id"), None when they do not say."""
    words = WORDS.findall(text.casefold())
    english = sum(1 for word in words if word in ENGLISH and word not in INDONESIAN)
    indonesian = sum(1 for word in words if word in INDONESIAN and word not in ENGLISH)
    if english > indonesian:
        return "en"
    if indonesian > english:
        return "id"
    return None
