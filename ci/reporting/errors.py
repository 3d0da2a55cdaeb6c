"""The one exception ci/report turns into a one-line message and exit 1."""


class InputError(Exception):
    """An input file is missing, unreadable or malformed."""

    def __init__(self, path, reason):
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason
