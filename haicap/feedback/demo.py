"""Demo data of this app, loaded by `haicap demo` after the dossiers (core demo command)."""


def load(province) -> str:
    """Placeholder until the app has demo data; returns the line `haicap demo` prints."""
    return ""
