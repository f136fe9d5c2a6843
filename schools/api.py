def register(router) -> None:
    """Register the schools endpoints on the project's API router."""
