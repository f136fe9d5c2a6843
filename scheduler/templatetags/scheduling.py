from django import template

from scheduler.reasons_text import rule_text

register = template.Library()


@register.filter
def rule_warning(note: str) -> str:
    """A matching rule the assignment breaks, in the reader's language."""
    return rule_text(note)
