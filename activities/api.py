def register(router) -> None:
    """Register the activities endpoints on the project's API router."""
