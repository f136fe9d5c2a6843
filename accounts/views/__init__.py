"""Pages of accounts: `account` (home, settings, invitations), `language` (the header's
switch) and `undelivered` (dead letters)."""
