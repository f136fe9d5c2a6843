"""The steps of `python manage.py demo`, one module per part of the demo.

Every row is found by a natural key (slug, BRIN, email, name) and updated in place, or made
once through the apps' services, so a second run changes no counts.
"""
