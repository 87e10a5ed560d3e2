"""Django merges every app's catalogue into one: a text translated two ways by two apps shows
whichever app comes first in INSTALLED_APPS, on every page — so each English text has one
Vietnamese translation across the project, and none that Django's own apps (listed before
ours) translate otherwise."""

import gettext
from collections import defaultdict
from pathlib import Path

from django.apps import apps


def catalogues(ours: bool = True) -> dict[str, dict[str, str]]:
    """Our apps' Vietnamese catalogues, or else the other apps', in INSTALLED_APPS order."""
    found = {}
    for app in apps.get_app_configs():
        mo = Path(app.path) / "locale" / "vi" / "LC_MESSAGES" / "django.mo"
        if mo.exists() and app.name.startswith("haicap.") == ours:
            with mo.open("rb") as file:
                found[app.label] = gettext.GNUTranslations(file)._catalog
    return found


def test_each_english_text_has_one_vietnamese_translation_across_the_apps():
    seen = defaultdict(dict)  # msgid → translation → the apps giving it
    for label, catalogue in catalogues().items():
        for msgid, msgstr in catalogue.items():
            if msgid and msgstr:
                seen[msgid].setdefault(msgstr, []).append(label)
    conflicts = {msgid: ways for msgid, ways in seen.items() if len(ways) > 1}

    assert len(catalogues()) > 5
    assert not conflicts, "\n".join(f"{msgid!r}: {ways}" for msgid, ways in conflicts.items())


def test_no_translation_of_ours_is_hidden_by_a_django_app_listed_before_ours():
    shown = {}  # msgid → (app, translation) of the first other app that translates it
    for label, catalogue in catalogues(ours=False).items():
        for msgid, msgstr in catalogue.items():
            if msgid and msgstr:
                shown.setdefault(msgid, (label, msgstr))
    hidden = [f"{msgid!r}: ours {msgstr!r} ({label}), shown {shown[msgid]}"
              for label, catalogue in catalogues().items()
              for msgid, msgstr in catalogue.items()
              if msgid and msgstr and msgid in shown and shown[msgid][1] != msgstr]

    assert "admin" in catalogues(ours=False)
    assert not hidden, "\n".join(hidden)
