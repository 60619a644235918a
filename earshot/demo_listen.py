"""A demo user plays a call in the player: the request goes through the gate's own views
(access/views.py), which decide, count the grant's play and write the listen event, exactly as
for a browser. Evidence such as "listens per purpose" and "who listened" is then real."""

from __future__ import annotations

from django.conf import settings
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.test import RequestFactory
from django.utils import timezone

from earshot.demo_life import member


class Player:
    """One sitting of one member at the player: one session for its requests."""

    def __init__(self, organisation, username: str):
        self.organisation = organisation
        self.membership = member(organisation, username)
        self.session = SessionStore()
        # A host the installation answers to: the presence form checks where it returns to.
        host = next((h for h in settings.ALLOWED_HOSTS if h[:1] not in ("", ".", "*")), "*")
        self.factory = RequestFactory(HTTP_HOST=host if host != "*" else "localhost")

    def _send(self, request, view, recording):
        request.user = self.membership.user
        request.session = self.session
        request._messages = FallbackStorage(request)
        try:
            # Not response.close(): that signals the request's end, which closes the database
            # connection. The audio is a generator that has not opened the file yet.
            return view(request, org_slug=self.organisation.slug, recording_id=recording.pk)
        finally:
            timezone.deactivate()

    def employee_present(self, recording, purpose_code: str) -> None:
        from access.views import recording_employee_present

        request = self.factory.post(
            "/", {"purpose": purpose_code, "employee_present": "on", "next": "/"}
        )
        self._send(request, recording_employee_present, recording)

    def listen(self, recording, purpose_code: str) -> int:
        from access.views import recording_audio

        request = self.factory.get("/", {"purpose": purpose_code}, HTTP_RANGE="bytes=0-")
        return self._send(request, recording_audio, recording).status_code


def listen(organisation, username: str, recording, purpose_code: str, with_employee=False):
    player = Player(organisation, username)
    if with_employee:
        player.employee_present(recording, purpose_code)
    return player.listen(recording, purpose_code)
