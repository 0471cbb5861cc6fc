"""Forms of the accounts pages: they parse input; the services decide."""

from django import forms


class StackedForm(forms.Form):
    """Labels sit above their fields on the sign-in and registration pages, so they need
    no colon."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
