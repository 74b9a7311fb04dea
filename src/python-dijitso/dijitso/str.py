# Text helpers kept for callers of the original's dijitso.str.


def as_unicode(s):
    """Return s as str, decoding bytes as UTF-8."""
    if isinstance(s, bytes):
        return s.decode("utf-8")
    return s
