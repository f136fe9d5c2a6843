"""Which roles a person holds: the value every page, API view and selector scopes by. The
loader that reads it from the database (once per request) is accounts.roles.roles_for."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Roles:
    coordinator_of: frozenset[int] = field(default_factory=frozenset)
    staff_of: frozenset[int] = field(default_factory=frozenset)
    hero_municipality: int | None = None
    is_parent: bool = False
    # On the national programme team: every municipality's figures, aggregates only.
    is_programme: bool = False
    # A programme administrator also adds municipalities and their first coordinators.
    is_programme_admin: bool = False
    has_mfa: bool = False
    # May open the Django admin (User.is_staff, not school staff).
    is_site_admin: bool = False

    @property
    def is_coordinator(self) -> bool:
        return bool(self.coordinator_of)

    @property
    def is_staff(self) -> bool:
        return bool(self.staff_of)

    @property
    def is_hero(self) -> bool:
        return self.hero_municipality is not None

    @property
    def needs_mfa(self) -> bool:
        """Coordinators, school staff and site admins see children's data, the programme team
        the figures of every municipality: they must use a second factor."""
        return self.is_coordinator or self.is_staff or self.is_site_admin or self.is_programme

    @property
    def may_hold_api_token(self) -> bool:
        """API tokens are for the people who run the programme and the integrations that work
        as them (school staff, coordinators, site admins, the programme team reading figures);
        parents and heroes use the site."""
        return self.is_coordinator or self.is_staff or self.is_site_admin or self.is_programme

    @property
    def names(self) -> list[str]:
        pairs = [
            ("coordinator", self.is_coordinator),
            ("staff", self.is_staff),
            ("hero", self.is_hero),
            ("parent", self.is_parent),
            ("programme", self.is_programme),
        ]
        return [name for name, held in pairs if held]


NO_ROLES = Roles()
