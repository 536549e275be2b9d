"""Importers of the seed texts: a program's wiki page and an announcement e-mail.

``archive`` and ``announcement`` are pure parsers (text in, dataclasses and problems out;
``reading`` holds what they share). ``apply`` is the thin adapter that writes their results
through :mod:`clinicdesk.scheduling.services`, one transaction per text.
"""
