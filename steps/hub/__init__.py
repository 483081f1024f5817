"""Hub-and-spoke: spokes share their cards with the hub (``publish``, in ``spoke_side``); the hub keeps current,
read-only copies with provenance (``sync``: pure planning in ``plan``, adapters in ``reader``, the run in
``hub_side``). Import from the defining module; this file exports nothing."""
