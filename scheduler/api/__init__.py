"""The scheduling API: `requests` (schools' session requests), `offers` (offers and visits) and
`board` (kits, blocks, matching runs and assignments by hand, for coordinators)."""

from . import board, offers, requests


def register(router) -> None:
    """Register every scheduling endpoint on the project's API router."""
    requests.register(router)
    offers.register(router)
    board.register(router)
