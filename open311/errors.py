"""The one way an Open311 request fails: an HTTP status and messages for the person using the client."""


class Open311Error(Exception):
    """Rendered as <errors><error><code/><description/></error></errors> (or its JSON array).

    The spec allows a body code more specific than the HTTP status; clients we know read numbers
    there, so every error carries the HTTP status, and the description says what to fix.
    """

    def __init__(self, status: int, *descriptions):
        super().__init__("; ".join(str(d) for d in descriptions))
        self.status = status
        self.descriptions = [str(d) for d in descriptions]

    def as_rows(self) -> list[dict]:
        return [{"code": self.status, "description": description} for description in self.descriptions]


def bad_request(*descriptions) -> Open311Error:
    return Open311Error(400, *descriptions)


def forbidden(*descriptions) -> Open311Error:
    return Open311Error(403, *descriptions)


def not_found(*descriptions) -> Open311Error:
    return Open311Error(404, *descriptions)
