import logging

from saksrobot.errors import BusinessError
from saksrobot.privacy import MASK, MaskingFilter, mask


def test_mask_hides_eleven_digit_runs_only():
    text = "sak 26/01234 for 03851598730 (orgnr 974760673, dok 26/01234-1, 031085 98730)"
    assert mask(text) == f"sak 26/01234 for {MASK} (orgnr 974760673, dok 26/01234-1, {MASK})"
    assert mask("123456789012") == "123456789012"  # 12 digits is not an fnr


def test_errors_are_masked():
    assert "03851598730" not in str(BusinessError("Ukjent kontakt 03851598730"))


def test_log_records_and_tracebacks_are_masked(caplog):
    logger = logging.getLogger("test.privacy")
    caplog.handler.addFilter(MaskingFilter())
    try:
        raise ValueError("bad 03851598730")
    except ValueError:
        logger.exception("party %s", "03851598730")
    assert "03851598730" not in caplog.text
    assert MASK in caplog.text
