"""Private tokens never reach a log line (issue #19): an old private link's `?t=<token>` in a request
line or a Referer, a `token=` parameter, the X-Reporter-Token header and the report cookies
(`lapor_r_<id>`, geo_reports/private_links.py) are written as "[redacted]".

One filter for Django's loggers (settings: LOGGING) and a gunicorn logger class that puts the same
filter on gunicorn's access and error logs (scripts/run.sh: --logger-class), since gunicorn writes
those itself, whatever the access log format names (the request line, the query, any header)."""

import logging
import re

from gunicorn import glogging

REDACTED = "[redacted]"

SECRETS = re.compile(
    r"""(?P<name>(?:(?<=[?&;\s"'])|^)(?:t|token|reporter_token)=|lapor_r_\d+=|x-reporter-token['"]?:\s*['"]?)"""
    r"""(?P<value>[^&;\s"'#,}]+)""",
    re.IGNORECASE,
)


def redact(text: str) -> str:
    return SECRETS.sub(lambda match: match.group("name") + REDACTED, text)


class RedactTokens(logging.Filter):
    """Rewrites a record whose message holds a token; the record itself is always let through."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record is the handler's to report, unchanged
            return True
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


class GunicornLogger(glogging.Logger):
    """gunicorn's own logger, with tokens redacted from its access and error logs."""

    def setup(self, cfg):
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            if not any(isinstance(existing, RedactTokens) for existing in log.filters):
                log.addFilter(RedactTokens())
