"""Documents of service requests (a permit application's plans, a tax notice): prove what they are.

A PDF must start with the PDF header and parse as a whole (cross-reference table, trailer, page tree)
with pypdf in strict mode: a renamed text file, a truncated download or an executable fails. Streams
are not decoded, so a compressed "bomb" inside a small PDF costs nothing here. A password-protected
PDF is refused, because the agency could not open it, and so is one with active content (below).
Images go through the photos' own validation (geo_reports.photos: decoded fully, pixel limit,
re-encoded without EXIF), so an ID card photographed with a phone does not carry its GPS position
into the archive.

Which categories accept documents, and which need one, is checked here too, before anything is written.
"""

import hashlib
import io
import logging
import unicodedata
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.utils.translation import gettext as _
from pypdf import PdfReader
from pypdf.errors import PyPdfError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

from common.errors import ApplicationError

from . import photos

logger = logging.getLogger(__name__)

PDF_MAGIC = b"%PDF-"
IMAGE_TYPES = {".jpg": "image/jpeg", ".png": "image/png", ".webp": "image/webp"}
ACCEPT = ("application/pdf", *IMAGE_TYPES.values())


# Active content: what makes a PDF do something besides showing its pages when staff open it (run
# JavaScript, start a program, send or fetch form data, open another file, carry files or Flash). Such
# a PDF is refused, not flattened: the requester can print it to a new PDF or scan it.
# Found by walking every object the document reaches from its trailer, not by searching the bytes:
# names can be written with escapes (/J#61vaScript), objects can sit compressed in object streams,
# and a page's text may well show the word /JavaScript, harmlessly. Content streams are not decoded.
ACTIVE_KEYS = frozenset({"/JS", "/JavaScript", "/EmbeddedFiles", "/EF", "/XFA", "/RichMediaContent"})
ACTIVE_TYPES = frozenset(
    {
        "/JavaScript",
        "/Launch",
        "/SubmitForm",
        "/ImportData",
        "/GoToR",
        "/GoToE",
        "/RichMedia",
        "/RichMediaExecute",
        "/EmbeddedFile",
    }
)
# Actions that run by themselves (on opening the document or a page, on a field's focus): only going to
# a place in the document, as word processors' "open at page 1" does, is kept.
AUTOMATIC_KEYS = ("/OpenAction", "/AA")


class DocumentError(ApplicationError):
    default_field = "documents"

    def __init__(self, message, code: str):
        super().__init__(message, code=code)


@dataclass
class ProcessedDocument:
    content: bytes
    content_type: str
    extension: str
    original_name: str  # for display only: never part of a stored path
    size: int
    sha256: str
    pages: int | None = None  # PDFs


def display_name(name: str) -> str:
    """The file name a person gave, safe to show and to offer as a download name."""
    base = PurePath(str(name or "").replace("\\", "/")).name
    base = "".join(ch for ch in unicodedata.normalize("NFC", base) if unicodedata.category(ch)[0] != "C")
    base = base.strip().strip(".")
    return base[-120:] or _("document")


def process(upload, name: str = "") -> ProcessedDocument:
    """An uploaded file (Django UploadedFile or bytes) → a checked document; DocumentError otherwise."""
    shown = display_name(name or getattr(upload, "name", ""))
    size = upload.size if hasattr(upload, "size") else len(upload)
    if size == 0:
        raise DocumentError(_("%(name)s is empty.") % {"name": shown}, "document_empty")
    limit = settings.LAPOR_DOCUMENT_MAX_BYTES
    if size > limit:
        raise DocumentError(
            _("%(name)s is too large (%(size).1f MB); the limit is %(limit).0f MB per document.")
            % {"name": shown, "size": size / (1024 * 1024), "limit": limit / (1024 * 1024)},
            "document_too_large",
        )
    data = upload.read() if hasattr(upload, "read") else bytes(upload)
    if data.startswith(PDF_MAGIC):
        return _pdf(data, shown)
    return _image(data, shown)


def _pdf(data: bytes, shown: str) -> ProcessedDocument:
    broken = DocumentError(
        _("%(name)s is not a complete, readable PDF. Save or scan it again and send the new file.") % {"name": shown},
        "document_bad_pdf",
    )
    try:
        reader = PdfReader(io.BytesIO(data), strict=True)
        if reader.is_encrypted:
            raise DocumentError(
                _("%(name)s is protected by a password. Send it without the password.") % {"name": shown},
                "document_encrypted",
            )
        pages = len(reader.pages)
        for page in reader.pages:
            page.mediabox  # noqa: B018 (parses each page's dictionary)
        active = _active_content(reader)
    except DocumentError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError, OSError) as exc:
        raise broken from exc
    if pages == 0:
        raise broken
    if active:
        logger.info("PDF refused for active content: %s", active)
        raise DocumentError(
            _(
                "%(name)s contains active content (scripts, embedded files, actions that run on opening or "
                "send form data), which is not accepted. Print it to a new PDF or scan it, and send that file."
            )
            % {"name": shown},
            "document_active_content",
        )
    return ProcessedDocument(
        content=data,
        content_type="application/pdf",
        extension=".pdf",
        original_name=shown,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        pages=pages,
    )


def _active_content(reader: PdfReader) -> str | None:
    """The first sign of active content among the objects reachable from the trailer, as a name
    (e.g. "/OpenAction /JavaScript"); None when there is none."""
    seen: set[tuple[int, int]] = set()
    pending: list = [reader.trailer]
    while pending:
        item = pending.pop()
        if isinstance(item, IndirectObject):
            if (item.idnum, item.generation) in seen:
                continue
            seen.add((item.idnum, item.generation))
            item = item.get_object()
        if isinstance(item, DictionaryObject):  # streams too: their dictionary, not their data
            found = _active_entry(item)
            if found:
                return found
            pending.extend(dict.values(item))
        elif isinstance(item, ArrayObject):
            pending.extend(list.__iter__(item))
    return None


def _active_entry(dictionary: DictionaryObject) -> str | None:
    for key in dictionary:
        if key in ACTIVE_KEYS:
            return str(key)
    for key in ("/S", "/Type", "/Subtype"):
        if _name(dictionary, key) in ACTIVE_TYPES:
            return f"{key} {_name(dictionary, key)}"
    for key in AUTOMATIC_KEYS:
        value = dictionary.get(key)
        value = value.get_object() if value is not None else None
        if key == "/OpenAction":
            actions = [value]  # an action, or a destination (an array): "open at page 1"
        else:
            actions = [v.get_object() for v in dict.values(value)] if isinstance(value, DictionaryObject) else []
        for action in actions:
            if isinstance(action, DictionaryObject) and _name(action, "/S") != "/GoTo":
                return f"{key} {_name(action, '/S')}"
    return None


def _name(dictionary: DictionaryObject, key: str) -> str | None:
    """A name-valued entry (indirect or not), as a string; None for anything else."""
    value = dictionary.get(key)
    value = value.get_object() if value is not None else None
    return str(value) if isinstance(value, NameObject) else None


def _image(data: bytes, shown: str) -> ProcessedDocument:
    try:
        image = photos.process(data)
    except photos.PhotoError as exc:
        if exc.code == "photo_not_image":
            raise DocumentError(
                _("%(name)s is neither a PDF nor an image we can read. Send a PDF, or a JPEG, PNG or WebP image.")
                % {"name": shown},
                "document_type",
            ) from exc
        raise DocumentError(f"{shown}: {exc.message}", exc.code) from exc
    return ProcessedDocument(
        content=image.content,
        content_type=IMAGE_TYPES[image.extension],
        extension=image.extension,
        original_name=shown,
        size=len(image.content),
        sha256=hashlib.sha256(image.content).hexdigest(),
    )


def check_accepted(category, documents: list) -> None:
    """Only service requests take documents. Raises DocumentError."""
    if documents and not category.accepts_documents:
        raise DocumentError(
            _("Documents can only be attached to service requests (permits, taxes), not to %(category)s.")
            % {"category": category.label},
            "documents_not_accepted",
        )


def check_for_category(category, documents: list) -> None:
    """Only service requests take documents; some need at least one; a few at most. Raises DocumentError."""
    check_accepted(category, documents)
    if category.documents_required and not documents:
        raise DocumentError(
            _("Attach at least one document (PDF or photo) for %(category)s.") % {"category": category.label},
            "documents_required",
        )
    if len(documents) > settings.LAPOR_DOCUMENTS_PER_REPORT:
        raise DocumentError(
            _("Send at most %(count)d documents.") % {"count": settings.LAPOR_DOCUMENTS_PER_REPORT},
            "documents_too_many",
        )
