"""The monthly supervision bulletin (月度通报) for leaders, and its annex.

    period    the month as a local [start, end) interval
    figures   what "registered", "checked", "failing", 合格率 and "counting warning" mean, computed
              from the database for that month alone (the definitions are in its docstring)
    document  every section's data: summary, trend, problem types, problems by owner unit,
              overdue warnings, the 复核 of last month's problems, closure candidates and decisions
    charts    the SVG charts' geometry (the markup is in the templates)
    render    ``write_bulletin``: bulletin.html, annex.xlsx, annex.csv and the ``bulletins`` row
    annex     the annex files
"""

from mediawatch.bulletin.render import BulletinResult, write_bulletin

__all__ = ["BulletinResult", "write_bulletin"]
