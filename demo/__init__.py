"""The demo: `python manage.py demo` builds a believable Zaanstad to look around in."""
