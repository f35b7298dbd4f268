"""The agreement audit: which of the twelve components each agreement lacks.

:mod:`.model` holds what a run finds, :mod:`.run` runs the profile over the store,
:mod:`.graph` writes the results as RDF into ``{base}graph/audit`` and :mod:`.stored` reads
the last run back from there; :mod:`.report` renders a run as text, JSON, CSV, Turtle or HTML.
Over time: :mod:`.runs` keeps every run in its dated graph, :mod:`.run_ids` names runs as
people type them, :mod:`.compare` says what changed between two.
"""
