"""mediawatch: supervision of government websites and government new-media accounts.

The pipeline, one sub-package or module per stage:
registry → schedule → checkers → rules → warnings → notices / bulletin, with the store beside them.
"""

__version__ = "0.1.0"
