"""What a conversation receives and says, the same for every platform: each platform's adapter
(chat.platforms) reads its deliveries into an Incoming and renders a Reply in its own format."""

import dataclasses
from dataclasses import dataclass, field


@dataclass
class Incoming:
    """One message from a citizen."""

    TEXT = "text"
    LOCATION = "location"
    PHOTO = "photo"  # a photo, or an image sent as a file
    FILE = "file"  # a file that is not an image
    CHOICE = "choice"  # a button or list row pressed
    OTHER = "other"  # a sticker, voice note, video, contact card...

    kind: str
    text: str = ""
    choice: str = ""  # the id of the button or row pressed
    lon: float | None = None
    lat: float | None = None
    media_id: str = ""  # the platform's id of the photo, to download it
    media_size: int | None = None  # as the platform announces it, when it does
    callback_id: str = ""  # Telegram: the button press to acknowledge


@dataclass
class Button:
    id: str
    title: str


@dataclass
class Row:
    id: str
    title: str
    description: str = ""


@dataclass
class Template:
    """A message approved in advance by WhatsApp: the only kind a business may send more than 24
    hours after the citizen's last message."""

    name: str
    language: str
    params: list[str]


@dataclass
class Reply:
    """A message to the citizen: text, and at most one way to answer it (buttons, a list, or a
    button that shares the location)."""

    text: str
    buttons: list[Button] = field(default_factory=list)  # at most 3
    rows: list[Row] = field(default_factory=list)  # at most 10, behind a button labelled rows_label
    rows_label: str = ""
    ask_location: str = ""  # the label of a "send my location" button
    template: Template | None = None

    def as_data(self) -> dict:
        return dataclasses.asdict(self)

    @classmethod
    def from_data(cls, data: dict) -> "Reply":
        template = data.get("template")
        return cls(
            text=data.get("text", ""),
            buttons=[Button(**b) for b in data.get("buttons", [])],
            rows=[Row(**r) for r in data.get("rows", [])],
            rows_label=data.get("rows_label", ""),
            ask_location=data.get("ask_location", ""),
            template=Template(**template) if template else None,
        )
