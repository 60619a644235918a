"""The client's address, for lockouts and the audit trail.

Behind the proxy of docker-compose (EARSHOT_BEHIND_PROXY=1) REMOTE_ADDR is the proxy's, so the
address the proxy vouches for in X-Real-IP is used; nginx overwrites that header, so a client
cannot forge it. Without a proxy the header is ignored: anyone could send it.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    if settings.BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_REAL_IP", "").strip()
        if forwarded:
            return forwarded
    return request.META.get("REMOTE_ADDR")
