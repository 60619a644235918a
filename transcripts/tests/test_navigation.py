"""The menu has a "Transcripts" entry for exactly the members who may open the list of
transcripts (the view's own right), so the entry never leads to a refusal."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _nav(client) -> str:
    page = client.get(reverse("organisations:dashboard", kwargs={"org_slug": "acme"}))
    return page.content.decode().split('class="mainnav"')[1].split("</nav>")[0]


@pytest.mark.parametrize(
    "role",
    ["employee", "coach", "team_leader", "manager", "privacy_officer", "administrator", "auditor"],
)
def test_the_transcripts_entry_is_shown_to_those_who_may_open_the_list(cast, client_for, role):
    url = reverse("transcripts:list", kwargs={"org_slug": "acme"})
    client = client_for(cast[role])
    may_open = client.get(url).status_code == 200
    assert (f'href="{url}"' in _nav(client)) == may_open
    if role in ("team_leader", "employee"):
        assert may_open
        assert "Transcripties" in _nav(client)
    if role == "auditor":
        assert not may_open
