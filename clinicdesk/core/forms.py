"""Form helpers every app's views share."""

from __future__ import annotations

from collections.abc import Collection

from django import forms
from django.core.exceptions import ValidationError


def attach_error(
    form: forms.BaseForm, error: ValidationError, *, above: Collection[str] = ()
) -> None:
    """Shows a service's ``ValidationError`` on the form: each message on the field it names
    when the form has that field, above the form otherwise (and for the fields in ``above``,
    whose own widgets cannot show a message well, such as a ranking of many inputs)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            shown_on = field if field in form.fields and field not in above else None
            form.add_error(shown_on, errors)
    else:
        form.add_error(None, error)
