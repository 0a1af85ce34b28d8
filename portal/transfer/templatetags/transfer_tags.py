"""A link from an enrolment's pages to the learner's transferred history, where there is one.

Loaded by templates of apps below the portal (``review/grid.html``), which may not import it.
"""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.html import format_html

from assessments.models import Enrolment
from portal.transfer.models import TransferredPortfolio

register = template.Library()


@register.simple_tag
def transferred_history_link(enrolment: Enrolment) -> str:
    """ " Transferred history" linked, if the learner has a transferred portfolio at the
    enrolment's centre (one query); else nothing. Whoever reads the enrolment may read it."""
    if not TransferredPortfolio.objects.filter(
        learner_id=enrolment.learner_id, centre_id=enrolment.centre_id
    ).exists():
        return ""
    return format_html(
        ' <a href="{}">Transferred history</a> (achievements from another centre)',
        reverse("transfer:history", kwargs={"pk": enrolment.learner_id}),
    )
