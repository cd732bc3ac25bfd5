"""Failures a user can act on, one exception type each.

A stage raises one of these for a page it cannot process; the batch turns it into one line of
``processed/errors.jsonl`` (``error`` = the class name, ``message`` = the sentence) and goes on.
"""


class PageError(Exception):
    """A page could not be processed. The message names the problem and, where there is one, the fix."""


class EmptyPage(PageError):
    """The file holds no bytes, or only white space."""


class BinaryPage(PageError):
    """The file is an image, a PDF, an archive or other binary data, not a web page."""


class NotAPage(PageError):
    """The file is text but not an HTML page nor a text dump of one (JSON, XML feed, CSS, script…)."""


class PageTooLarge(PageError):
    """The file is larger than the size limit (``--max-bytes``)."""


class NoContent(PageError):
    """No main text could be extracted from the page."""


class PageTimeout(PageError):
    """The page took longer than the page time limit (``--page-timeout``); it was stopped."""


class PageMemory(PageError):
    """The page needed more memory than the page limit (``--page-memory``); it was stopped."""


class UsageError(Exception):
    """The run cannot start as asked (a folder that is not there, an output that cannot be written, an
    input that lost most of its pages). Nothing was changed; the message says what to do."""
