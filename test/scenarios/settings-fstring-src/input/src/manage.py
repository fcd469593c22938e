#!/usr/bin/env python
"""Command-line utility of a fixture project: the settings module comes from DJANGO_ENV."""
import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", f"config.settings.{os.getenv('DJANGO_ENV', 'development')}")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
