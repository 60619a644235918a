"""Say clearly which service the test suite needs is not reachable, before pytest starts."""

import os
import socket
import sys
from urllib.parse import urlparse

SERVICES = {
    "PostgreSQL": (
        os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/earshot"),
        5432,
    ),
    "Redis": (os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/12"), 6379),
}


def reachable(url: str, default_port: int) -> tuple[bool, str]:
    parsed = urlparse(url)
    host, port = parsed.hostname or "127.0.0.1", parsed.port or default_port
    try:
        with socket.create_connection((host, port), timeout=3):
            return True, f"{host}:{port}"
    except OSError as exc:
        return False, f"{host}:{port} ({exc.strerror or exc})"


missing = []
for name, (url, port) in SERVICES.items():
    ok, where = reachable(url, port)
    if not ok:
        missing.append(f"{name} is not reachable at {where}")
if missing:
    print("The test suite runs on PostgreSQL and Redis, as production does:", file=sys.stderr)
    for line in missing:
        print(f"  - {line}", file=sys.stderr)
    print(
        "Start them, or point DATABASE_URL / CELERY_BROKER_URL at running servers.", file=sys.stderr
    )
    sys.exit(1)
