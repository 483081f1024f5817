"""model-card-governance, installed as one package.

The repository's folders are this package's subpackages (setup.py's ``package_dir``): ``steps/`` is
``mcgov.steps`` (runtime core, adapters, handlers, CLI), ``share_policies/`` is ``mcgov.share_policies``,
``pipelines/`` is ``mcgov.pipelines`` (authoring layer), plus ``mcgov.emulator`` and ``mcgov.demo``. This
folder holds only what every subpackage shares: the root errors and the validation-error formatter
(``errors``), strict document parsing (``parsing``), identifier patterns (``identifiers``), the one output
sanitizer (``text``) and the clock the product's waits read (``clock``, where the emulator installs its virtual
time).
"""
