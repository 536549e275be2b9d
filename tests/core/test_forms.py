"""``core.forms.attach_error``: a service's error shown on the form's field, or above it."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from clinicdesk.core.forms import attach_error


class _Form(forms.Form):
    title = forms.CharField()
    choices = forms.CharField()


def _bound() -> _Form:
    form = _Form({"title": "x", "choices": "y"})
    assert form.is_valid()
    return form


def test_attach_error_on_the_field_it_names_else_above_the_form():
    form = _bound()
    attach_error(form, ValidationError({"title": "Too short.", "owner": "Not staff."}))
    assert form.errors == {"title": ["Too short."], "__all__": ["Not staff."]}


def test_attach_error_without_a_field_goes_above_the_form():
    form = _bound()
    attach_error(form, ValidationError(["One.", "Two."]))
    assert form.non_field_errors() == ["One.", "Two."]
    assert not form.is_valid()


def test_attach_error_above_the_form_for_the_fields_asked():
    form = _bound()
    attach_error(
        form,
        ValidationError({"choices": "Rank each once.", "title": "Too short."}),
        above=("choices",),
    )
    assert form.errors == {"__all__": ["Rank each once."], "title": ["Too short."]}
