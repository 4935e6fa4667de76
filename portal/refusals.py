"""What an operation raises when it will not make the change asked of it: a base module any feature may use."""


class Refused(Exception):
    """The change is not allowed as asked; the message says why, in the reader's language."""


class Stale(Refused):
    """The change was asked from a page that someone else's change (or another tab's) has since made out of date."""
