"""A progress bar for long commands: count/total, rate and time left.

On a terminal one line redrawn in place; otherwise (a log, a pipe, cron) a plain line every
PLAIN_EVERY seconds, so a log shows progress without a screenful of carriage returns. Its own
thirty lines rather than tqdm, whose output to a file is still carriage-return redraws.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import TextIO

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

BAR_WIDTH = 30
PLAIN_EVERY = 10.0
REDRAW_EVERY = 0.2


def _duration(seconds: float) -> str:
    return str(timedelta(seconds=round(seconds)))


class ProgressBar:
    def __init__(self, out: TextIO, *, tty: bool | None = None, unit: str = "files"):
        self.out, self.unit = out, unit
        self.tty = out.isatty() if tty is None else tty
        self.total = self.done = self.started_with = 0
        self.began = self.shown_at = 0.0

    def start(self, *, total: int, done: int) -> None:
        self.total, self.done, self.started_with = total, done, done
        self.began = self.shown_at = time.monotonic()
        self._show(force=True)

    def advance(self) -> None:
        self.done += 1
        self._show()

    def finish(self) -> None:
        self._show(force=True)
        if self.tty:
            self.out.write("\n")
        self.out.flush()

    def line(self) -> str:
        elapsed = max(time.monotonic() - self.began, 1e-9)
        rate = (self.done - self.started_with) / elapsed
        left = self.total - self.done
        eta = _duration(left / rate) if rate > 0 else "?"
        percent = 100 * self.done / self.total if self.total else 100.0
        return (
            f"{self.done}/{self.total} {self.unit} ({percent:.1f}%), {rate:.1f} {self.unit}/s, "
            f"ETA {eta}"
        )

    def _show(self, *, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self.shown_at < (REDRAW_EVERY if self.tty else PLAIN_EVERY):
            return
        self.shown_at = now
        if self.tty:
            filled = BAR_WIDTH * self.done // self.total if self.total else BAR_WIDTH
            self.out.write(f"\r[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {self.line()}  ")
        else:
            self.out.write(self.line() + "\n")
        self.out.flush()


@contextmanager
def resumable_run(stopped: str, errors: tuple[type[BaseException], ...]) -> Iterator[None]:
    """A long command's run, which a rerun continues: an error of the system (`errors`) ends
    it with exit status 3 and `stopped` (%(error)s: the error), Ctrl-C with 130; both say so
    without a traceback."""
    try:
        yield
    except errors as exc:
        raise CommandError(
            stopped % {"error": f"{type(exc).__name__}: {exc}"}, returncode=3
        ) from None
    except KeyboardInterrupt:
        raise CommandError(
            _("Interrupted. Run the same command again to continue where it stopped."),
            returncode=130,
        ) from None
