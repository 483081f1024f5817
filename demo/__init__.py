"""``make demo``: the whole job on the embedded emulator (no AWS account needed)."""
