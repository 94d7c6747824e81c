"""Who holds a lock or a claim: host:pid, and whether that process is gone."""

from __future__ import annotations

import os
import socket


def holder_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def holder_is_gone(holder: str | None) -> bool:
    """A holder on this host whose process no longer exists (killed, crashed); a holder on
    another host is presumed alive."""
    if not holder:
        return True
    host, _, pid = holder.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False
