"""Personal data and secrets stay out of the logs: phone numbers, passwords, tokens and card codes are
replaced in every log record the process makes."""

import logging
import re

PHONE_PATTERN = re.compile(r"(?<![\d\w])(?:\+?855[\s-]?|0)\d{1,2}(?:[\s-]?\d){6,8}(?!\d)")
SECRET_PATTERN = re.compile(
    r"(?i)\b(password\w*|passwd|current|confirm|csrf_token|token|secret\w*|session|api_key)"
    r"((?:['\"]?\s*[:=]\s*['\"]?)|(?:',\s*'))([^\s&\"',;)}]+)")
CARD_URL_PATTERN = re.compile(r"(/p/)([A-Za-z0-9_-]{16,})")
# Card codes (22 characters) and login tokens (43) as quoted values, e.g. in SQL parameters.
QUOTED_TOKEN_PATTERN = re.compile(r"(['\"])(?=[A-Za-z0-9_-]*[A-Z0-9])([A-Za-z0-9_-]{22}|[A-Za-z0-9_-]{43})\1")


def redact(text: str) -> str:
    """``text`` with phone numbers, password/token values, card codes and login tokens replaced."""
    text = SECRET_PATTERN.sub(lambda m: f"{m.group(1)}{m.group(2)}[redacted]", text)
    text = CARD_URL_PATTERN.sub(r"\1[card]", text)
    text = QUOTED_TOKEN_PATTERN.sub(r"\1[token]\1", text)
    return PHONE_PATTERN.sub("[phone]", text)


def install_log_redaction() -> None:
    """Every log record of the process (app, gunicorn access and error logs, SQLAlchemy) is redacted
    when it is made, exception text included. Installed once per process."""
    factory = logging.getLogRecordFactory()
    if getattr(factory, "redacts", False):
        return

    def make_record(*args, **kwargs):
        record = factory(*args, **kwargs)
        try:
            record.msg = redact(record.getMessage())
            record.args = ()
            if record.exc_info and not record.exc_text:
                record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        except Exception:  # a log line must never break the request that writes it
            pass
        return record

    make_record.redacts = True
    logging.setLogRecordFactory(make_record)
