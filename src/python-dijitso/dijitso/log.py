# The "dijitso" logger, with the level names the original accepts; error() logs then raises, as callers of the
# original expect a RuntimeError from a misuse.
import logging

__all__ = ["set_log_level", "get_logger", "get_log_handler", "set_log_handler"]

_logger = logging.getLogger("dijitso")
_handler = logging.StreamHandler()
_logger.addHandler(_handler)
_logger.setLevel(logging.INFO)

_LEVELS = {"DEBUG": logging.DEBUG, "INFO": logging.INFO, "WARNING": logging.WARNING, "ERROR": logging.ERROR}


def get_logger():
    return _logger


def get_log_handler():
    return _handler


def set_log_handler(handler):
    """Replace the handler the dijitso logger writes through."""
    global _handler
    _logger.removeHandler(_handler)
    _handler = handler
    _logger.addHandler(handler)


def set_log_level(level):
    """Set the verbosity: an int, or one of "DEBUG", "INFO", "WARNING", "ERROR"."""
    if isinstance(level, str):
        name = level.upper()
        if name not in _LEVELS:
            raise ValueError("dijitso: unknown log level %r (one of %s)" % (level, ", ".join(_LEVELS)))
        level = _LEVELS[name]
    elif not isinstance(level, int):
        raise TypeError("dijitso: a log level is an int or a level name, not %r" % (level,))
    _logger.setLevel(level)


def debug(*message):
    _logger.debug(*message)


def info(*message):
    _logger.info(*message)


def warning(*message):
    _logger.warning(*message)


def error(*message):
    """Log and raise RuntimeError with the formatted message."""
    _logger.error(*message)
    raise RuntimeError(message[0] % message[1:] if len(message) > 1 else message[0])


def dijitso_assert(condition, *message):
    if not condition:
        _logger.error(*message)
        raise AssertionError(message[0] % message[1:] if len(message) > 1 else message[0])
