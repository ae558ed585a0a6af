"""Exceptions that mobench raises for bad input; the CLI turns them into clear messages."""


class MobenchError(Exception):
    """Base class: an error the user can fix, reported without a traceback."""


class PackFormatError(MobenchError):
    """A pack manifest or data file is malformed (the message names the file and field)."""


class PackIntegrityError(MobenchError):
    """A pack's content does not match the sha256 in its manifest."""


class PackNotFoundError(MobenchError):
    """No pack of that name (and version) is on the pack search path."""


class UnknownScorerError(MobenchError):
    """An objective names a scorer id@version that is not registered."""


class MethodError(MobenchError):
    """A method adapter is missing, failed to load, or returned bad output."""


class SandboxUnavailableError(MobenchError):
    """The requested isolation cannot be provided on this host."""
