"""Forms for the pages in activities.views, one module per audience."""
