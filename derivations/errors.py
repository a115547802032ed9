"""The one exception type for bad user input.

The CLI turns an :class:`InputError` into a single line on stderr and exit code 2.

Examples
========

>>> from derivations.errors import InputError
>>> issubclass(InputError, ValueError)
True
"""


class InputError(ValueError):
    """User input that derivkit refuses: the message is shown to the user as one line."""
