"""The POST half of a create or edit page: the view binds the form, this calls the service.

Each such view keeps its access helper first, then::

    form = SomeForm(request.POST or None)
    if row := save_posted_form(request, form, lambda data: services.thing_save(..., **data)):
        messages.success(request, "Saved.")
        return redirect(...)
    return render(...)  # the form again, with its errors

A service's refusal (a ``ValidationError``) is shown on the form by ``form_error``, the one
helper for that.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.forms import BaseForm
from django.http import HttpRequest

from assessments.errors import form_error

Saved = TypeVar("Saved")


def save_posted_form(
    request: HttpRequest, form: BaseForm, save: Callable[[dict[str, Any]], Saved]
) -> Saved | None:
    """What ``save`` wrote, when the request is a POST, ``form`` is valid and ``save`` (a
    service call given the cleaned data, returning the row it wrote) accepts it; otherwise
    None, a refusal shown on the form."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        return save(form.cleaned_data)
    except ValidationError as error:
        form_error(form, error)
        return None
