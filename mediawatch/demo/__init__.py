"""``mediawatch demo``: the product running against a simulated district on 127.0.0.1.

    district  the accounts, their servers and how each behaves over the year
    replay    a clean demo home, the registry imported, every day replayed through the real
              pipeline (``run_cycle`` at 02:00, probes at 08:00, 14:00 and 20:00), the outputs
"""

from mediawatch.demo.replay import DemoResult, prepare_home, run_demo

__all__ = ["DemoResult", "prepare_home", "run_demo"]
