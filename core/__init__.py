"""Helpers with no domain and no models, used by every app: the refusal base and the lock
helper, the roles value type, page decorators and form helpers, pagination, absolute URLs, the
local time zone and shared API pieces. `core` imports no app of ours (import-linter checks)."""
