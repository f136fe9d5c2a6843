"""Forms for the pages in scheduler.views, one module per audience."""
