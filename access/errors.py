"""The one error of the four-eyes services: its message is for the person."""


class RequestError(Exception):
    """A request or decision the rules do not allow; the message is for the person."""
