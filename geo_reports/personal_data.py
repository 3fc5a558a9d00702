"""Personal data in the free text citizens write (a description, a text answer, a message when they
reopen a report): found on arrival and masked in the public version, which every public output
reads, until staff review it. The original stays with the report for staff (services.intake,
services.moderation).

What is found, in the forms people write it in Indonesia:
- e-mail addresses;
- NIK (the 16-digit national identity number), also grouped as 3579 0123 4567 0001 or with dots
  or dashes;
- phone numbers: mobiles (+62 812…, 62812…, 0812…) and landlines with an area code (0341 512345,
  (0341) 512-345), digits grouped by spaces, dots or dashes;
- other long runs of digits (10 or more: bank accounts, customer and tax numbers).

Times (08.00), dates, amounts (Rp 50.000), RT/RW numbers and years are left alone: a phone number
must start with 0, 62 or +62 and hold at least 9 digits, and a run without that start needs 10.
"""

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

MASK = "[data pribadi disembunyikan]"  # stored in the public text, which is Indonesian data

# One separator between digits at most: a space, a dot or a dash (never a comma: 0,5 is a number).
_SEP = r"[ .\-]?"
EMAIL = r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+"
NIK = rf"(?<![\d@])\d(?:{_SEP}\d){{15}}(?!{_SEP}\d)"
PHONE = (
    rf"(?<![\w+])(?:\+62|62|0)[ .\-]?(?:\(0?\d{{2,4}}\)|\d)(?:{_SEP}\d){{6,12}}(?!{_SEP}\d)"
    rf"|(?<!\w)\(0\d{{2,3}}\)[ .\-]?\d(?:{_SEP}\d){{4,8}}(?!{_SEP}\d)"
)
DIGITS = rf"(?<!\d)\d(?:{_SEP}\d){{9,}}(?!\d)"

PATTERN = re.compile(rf"(?P<email>{EMAIL})|(?P<nik>{NIK})|(?P<phone>{PHONE})|(?P<digits>{DIGITS})")
KINDS = ("email", "nik", "phone", "digits")
# Rupiah amounts are grouped in thousands with dots (Rp 1.250.000.000): a sum, not a number of anyone.
AMOUNT = re.compile(r"\d{1,3}(?:\.\d{3})+")


@dataclass(frozen=True)
class Masked:
    text: str  # the public version
    kinds: tuple[str, ...]  # what was found, each kind once, in KINDS order

    @property
    def found(self) -> bool:
        return bool(self.kinds)


def mask(text: str) -> Masked:
    """`text` with every piece of personal data replaced by MASK, and the kinds found."""
    found: set[str] = set()

    def replace(match: re.Match) -> str:
        kind, value = match.lastgroup, match.group()
        if kind == "phone" and sum(ch.isdigit() for ch in value) < 9:
            return value  # e.g. "0 8 1 2": too short for any number that reaches a person
        if kind in ("nik", "digits") and AMOUNT.fullmatch(value):
            return value
        found.add(kind)
        return MASK

    masked = PATTERN.sub(replace, text or "")
    return Masked(text=masked, kinds=tuple(kind for kind in KINDS if kind in found))


def reporter_notice(report) -> str | None:
    """What the reporter is told (in the answer to their report, on their private page, in their chat)
    when the public version of their report hides something they wrote."""
    if not report.public_text_differs:
        return None
    return _(
        "What looks like personal data (a phone number, an e-mail address or an ID number) is hidden from the "
        "public version of your report; the agency still sees it."
    )
