"""Documents attached to a service request: private to the requester and the staff handling it."""

import uuid

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.utils.translation import gettext_lazy as _

from .reports import Report, ReportUpdate


class PrivateStorage(FileSystemStorage):
    """Files under LAPOR_PRIVATE_ROOT, outside MEDIA_ROOT. They have no URL: a view that checks who
    asks reads them and sends them (geo_reports.apis.ReportDocumentApi)."""

    def __init__(self):
        super().__init__(location=settings.LAPOR_PRIVATE_ROOT)

    def url(self, name):
        raise ValueError("Private files have no public URL.")


def private_storage() -> PrivateStorage:
    return PrivateStorage()


def document_path(instance, filename):
    # Random names: nothing about the requester, the file or the report can be read from the path.
    return f"documents/{instance.uuid.hex[:2]}/{instance.uuid.hex}{instance.extension}"


class ReportDocument(models.Model):
    """A PDF or an image sent with a service request (permit application, tax question)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="documents")
    update = models.ForeignKey(ReportUpdate, on_delete=models.PROTECT, null=True, blank=True, related_name="documents")
    file = models.FileField(_("file"), upload_to=document_path, storage=private_storage, max_length=200)
    original_name = models.CharField(_("file name"), max_length=120)
    content_type = models.CharField(_("type"), max_length=40)
    extension = models.CharField(max_length=6)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    pages = models.PositiveIntegerField(_("pages"), null=True, blank=True)
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["created_at", "id"]

    def __str__(self):
        return self.original_name

    @property
    def download_name(self) -> str:
        """The name a download is saved under: the sender's, with the extension of what it really is."""
        stem = self.original_name.rsplit(".", 1)[0] if "." in self.original_name else self.original_name
        return f"{stem or 'dokumen'}{self.extension}"

    @property
    def is_pdf(self) -> bool:
        return self.content_type == "application/pdf"
