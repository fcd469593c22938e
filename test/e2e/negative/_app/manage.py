#!/usr/bin/env python
"""Command line for the tiny site the negative controls share."""
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "probe_site.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
