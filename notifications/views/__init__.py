"""Pages of the outbox (`outbox`, a development aid) and the personal calendar feed (`feed`)."""
