"""What an accessibility check reads in an HTML mail, for the mail tests."""

from html.parser import HTMLParser

# Words a link must not be alone: its text says where it goes.
VAGUE_LINKS = {"here", "click here", "hier", "klik hier", "link", "more", "meer"}


class MailShape(HTMLParser):
    """What an accessibility check reads: the html element's lang and dir, the headings, the
    links' texts, the viewport."""

    def __init__(self):
        super().__init__()
        self.html_attrs: dict = {}
        self.headings: list[str] = []
        self.links: list[str] = []
        self.viewport = False
        self._open: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.html_attrs = attrs
        elif tag == "meta" and attrs.get("name") == "viewport":
            self.viewport = True
        elif tag in {"h1", "h2", "a"}:
            self._open = tag
            (self.links if tag == "a" else self.headings).append("")

    def handle_endtag(self, tag):
        if tag == self._open:
            self._open = None

    def handle_data(self, data):
        if self._open == "a":
            self.links[-1] += data
        elif self._open:
            self.headings[-1] += data


def shape(html: str) -> MailShape:
    parsed = MailShape()
    parsed.feed(html)
    return parsed


def assert_accessible(html: str, language: str) -> None:
    parsed = shape(html)
    assert parsed.html_attrs == {"lang": language, "dir": "rtl" if language == "ar" else "ltr"}
    assert parsed.headings and all(h.strip() for h in parsed.headings)
    assert parsed.links
    for text in parsed.links:
        assert text.strip().lower() not in VAGUE_LINKS and len(text.split()) >= 2
    assert parsed.viewport
    assert "max-width: 600px" in html and "font-size: 16px" in html
