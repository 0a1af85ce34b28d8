"""portal.form_posts: the POST half of a create or edit page."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from portal.form_posts import save_posted_form


class NoteForm(forms.Form):
    text = forms.CharField(max_length=10)


def _not_called() -> None:
    raise AssertionError("the service must not be called")


def test_a_get_saves_nothing() -> None:
    request = RequestFactory().get("/")
    form = NoteForm(request.POST or None)
    assert save_posted_form(request, form, lambda data: _not_called()) is None
    assert not form.is_bound and not form.errors


def test_an_invalid_post_saves_nothing() -> None:
    request = RequestFactory().post("/", {"text": "far too long a note"})
    form = NoteForm(request.POST or None)
    assert save_posted_form(request, form, lambda data: _not_called()) is None
    assert form.errors["text"]


def test_a_valid_post_returns_what_the_service_wrote() -> None:
    request = RequestFactory().post("/", {"text": "hello"})
    form = NoteForm(request.POST or None)
    assert save_posted_form(request, form, lambda data: {"saved": data["text"]}) == {
        "saved": "hello"
    }
    assert not form.errors


def test_a_refusal_lands_on_the_form() -> None:
    def refuse_field(data: dict) -> None:
        raise ValidationError({"text": "Not that one.", "other": "Somewhere else."})

    request = RequestFactory().post("/", {"text": "hello"})
    form = NoteForm(request.POST or None)
    assert save_posted_form(request, form, refuse_field) is None
    assert form.errors["text"] == ["Not that one."]
    assert form.non_field_errors() == ["Somewhere else."]

    def refuse(data: dict) -> None:
        raise ValidationError("The unit is signed off.")

    form = NoteForm(request.POST or None)
    assert save_posted_form(request, form, refuse) is None
    assert form.non_field_errors() == ["The unit is signed off."]
