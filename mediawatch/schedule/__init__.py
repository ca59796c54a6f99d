"""The schedule: one full cycle (``run --once``) and the daemon that runs cycles by itself (``run``)."""
