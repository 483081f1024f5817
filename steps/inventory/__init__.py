"""Fleet inventory (``mcgov inventory``): every card with its approval, its share state per stage, its last gate
decision and, for hub copies, provenance and staleness.

Modules: ``rows`` (the pure core), ``read`` (the adapter), ``render`` (table and HTML page). Import from the
defining module; this file exports nothing.
"""
