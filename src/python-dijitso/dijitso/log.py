# The "dijitso" logger, with the level names the original accepts; error() logs then raises, as callers of the
# original expect a RuntimeError from a misuse. The logging module is loaded on first use: a run whose libraries
# are all cached logs nothing, and should not pay for it.

import sys

__all__ = ["set_log_level", "get_logger", "get_log_handler", "set_log_handler"]

_logger = None
_handler = None
_LEVELS = {"DEBUG": 10, "INFO": 20, "WARNING": 30, "ERROR": 40}  # logging's values


def get_logger():
    global _logger, _handler
    if _logger is None:
        import logging
        _logger = logging.getLogger("dijitso")
        _handler = logging.StreamHandler()
        _logger.addHandler(_handler)
        _logger.setLevel(logging.INFO)
    return _logger


def get_log_handler():
    get_logger()
    return _handler


def set_log_handler(handler):
    """Replace the handler the dijitso logger writes through."""
    global _handler
    logger = get_logger()
    logger.removeHandler(_handler)
    _handler = handler
    logger.addHandler(handler)


def set_log_level(level):
    """Set the verbosity: an int, or one of "DEBUG", "INFO", "WARNING", "ERROR"."""
    if isinstance(level, str):
        name = level.upper()
        if name not in _LEVELS:
            raise ValueError("dijitso: unknown log level %r (one of %s)" % (level, ", ".join(_LEVELS)))
        level = _LEVELS[name]
    elif not isinstance(level, int):
        raise TypeError("dijitso: a log level is an int or a level name, not %r" % (level,))
    get_logger().setLevel(level)


def debug(*message):
    # Without the logging module loaded nobody can have asked for dijitso's debug messages.
    if _logger is not None or "logging" in sys.modules:
        get_logger().debug(*message)


def info(*message):
    get_logger().info(*message)


def warning(*message):
    get_logger().warning(*message)


def error(*message):
    """Log and raise RuntimeError with the formatted message."""
    get_logger().error(*message)
    raise RuntimeError(message[0] % message[1:] if len(message) > 1 else message[0])


def dijitso_assert(condition, *message):
    if not condition:
        get_logger().error(*message)
        raise AssertionError(message[0] % message[1:] if len(message) > 1 else message[0])
