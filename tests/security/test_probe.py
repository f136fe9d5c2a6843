"""The access probe's own comparisons (tests/security/probe.py)."""

from .probe import _blank


def test_a_token_is_blanked_whatever_letter_it_starts_or_ends_with():
    # URL-safe tokens may start or end with "-" or "_" (secrets.token_urlsafe).
    for token in ["-EF_teH8", "EF_teH8-", "_EFteH8", "EFteH8_", "EFteH8"]:
        assert _blank(f"/accounts/export/{token}/", [token]) == "/accounts/export/<id>/"
        assert _blank(f"?next=/export/{token}/data.json", [token]) == "?next=/export/<id>/data.json"


def test_an_id_is_blanked_alone_not_inside_a_longer_number_or_word():
    assert _blank("withdraw-5-reason /visits/5/", ["5"]) == "withdraw-<id>-reason /visits/<id>/"
    assert _blank("15 52 a5 5b", ["5"]) == "15 52 a5 5b"
