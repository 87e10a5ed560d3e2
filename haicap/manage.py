"""The `haicap` console script: Django's management command line."""

import os
import sys

COMMAND_ALIASES = {"api-token": "api_token"}


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "haicap.settings")
    from django.core.management import execute_from_command_line

    argv = list(sys.argv)
    # Django command names are module names; `haicap api-token` reads better on the console.
    if len(argv) > 1 and argv[1] in COMMAND_ALIASES:
        argv[1] = COMMAND_ALIASES[argv[1]]
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
