"""Acting as someone with Django's test client: on the pages and on the API."""

API = "/api/v1"


def login(client, user, *, language: str | None = "en"):
    """Log `user` in and return the client. The pages and the API then speak `language` (the
    cookie wins over the person's own language and Accept-Language); None leaves the person's
    own language (Dutch by default)."""
    client.force_login(user)
    if language:
        client.cookies["django_language"] = language
    return client


def api_get(client, url, **params):
    """A GET as an API client sends it: asking for JSON, in English unless the cookie or the
    person's own language says otherwise."""
    return client.get(url, params, HTTP_ACCEPT="application/json", HTTP_ACCEPT_LANGUAGE="en")


def api_send(client, method: str, url, data=None):
    """A POST, PUT, PATCH or DELETE with a JSON body."""
    return getattr(client, method)(
        url, data or {}, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en"
    )


def api_post(client, url, data=None):
    return api_send(client, "post", url, data)


def ids(response) -> set[int]:
    """The ids of a list answer's page of results (after checking it is a 200)."""
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}
