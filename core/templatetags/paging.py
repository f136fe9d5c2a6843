"""Links between the pages of a list (core.pagination)."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def page_link(context, page, number: int) -> str:
    """This address with the list's page parameter set to `number`, the rest kept."""
    query = context["request"].GET.copy()
    query[getattr(page, "param", "page")] = number
    return f"?{query.urlencode()}"
