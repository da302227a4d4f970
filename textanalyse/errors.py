"""The one exception type that reaches users as a single clear line."""


class UserError(Exception):
    """A problem with the user's input or options, with what to do about it.

    The CLI prints ``str(error)`` as one line and exits with status 2; it never shows a
    traceback for this class. Messages name the file, column or option and say what to do,
    and never contain the text of survey answers.

    Example:
        >>> raise UserError("svar.csv: column 'fritekst' not found; columns are: id, svar")
        Traceback (most recent call last):
        ...
        textanalyse.errors.UserError: svar.csv: column 'fritekst' not found; columns are: id, svar
    """


class InputWarning(UserWarning):
    """Something odd in the input that does not stop the analysis (a meta row for no transcript, …).

    The CLI prints each as one line ``warning: …`` after a successful command; like errors,
    warnings name files, columns and line numbers, never answer text.
    """


def warn(message: str) -> None:
    """Report an :class:`InputWarning` (see :func:`warnings.warn`)."""
    import warnings

    warnings.warn(message, InputWarning, stacklevel=2)
