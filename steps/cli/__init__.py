"""The ``mcgov`` command line: ``mcgov card|share|gate|policy ...``."""
