"""Pages of accounts: `account` (home, settings, invitations) and `undelivered` (dead letters)."""
