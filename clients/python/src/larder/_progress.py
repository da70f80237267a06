"""A small progress bar for jobs: one line on stderr, redrawn with ``\\r`` (terminals and Jupyter
both honour it). On by default in a terminal or a notebook, off when stderr is a file or pipe;
``progress=False`` (per call or on the Client) or ``LARDER_PROGRESS=0`` turns it off,
``progress=True`` or ``LARDER_PROGRESS=1`` forces it on."""

from __future__ import annotations

import os
import sys
import time
from typing import Optional, TextIO


def _in_notebook() -> bool:
    shell = sys.modules.get("IPython")
    if shell is None:
        return False
    try:
        ip = shell.get_ipython()
    except Exception:
        return False
    return ip is not None and type(ip).__name__ == "ZMQInteractiveShell"


def progress_enabled(choice: Optional[bool]) -> bool:
    if choice is not None:
        return choice
    env = os.environ.get("LARDER_PROGRESS")
    if env is not None and env != "":
        return env not in ("0", "false", "no", "off")
    try:
        tty = sys.stderr.isatty()
    except (AttributeError, ValueError):
        tty = False
    return tty or _in_notebook()


class ProgressBar:
    """``bar.update(0.42, "running")`` … ``bar.close("succeeded")``; does nothing when disabled."""

    def __init__(self, label: str, enabled: bool, stream: Optional[TextIO] = None, width: int = 28) -> None:
        self.label = label
        self.enabled = enabled
        self.stream = stream
        self.width = width
        self.started = time.monotonic()
        self._last = ""

    def _out(self) -> TextIO:
        return self.stream if self.stream is not None else sys.stderr

    def update(self, fraction: float, status: str = "") -> None:
        if not self.enabled:
            return
        f = min(max(fraction, 0.0), 1.0)
        filled = int(round(f * self.width))
        secs = time.monotonic() - self.started
        line = f"{self.label} [{'#' * filled}{'.' * (self.width - filled)}] {f * 100:5.1f}% {status} {secs:5.1f}s"
        if line == self._last:
            return
        pad = max(0, len(self._last) - len(line))
        self._last = line
        out = self._out()
        out.write("\r" + line + " " * pad)
        out.flush()

    def close(self, status: str, fraction: float = 1.0) -> None:
        if not self.enabled:
            return
        self.update(fraction, status)
        out = self._out()
        out.write("\n")
        out.flush()
