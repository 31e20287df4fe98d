"""Before/after evaluation of the program's changes (Durham's quarterly learning cycle).

`register.py` reads the reviewed register of changes (`learning/*.yml`), `series.py` builds the weekly
series each change is watched on from the marts, and `its.py` estimates each change's effect with an
interrupted time series (docs/learning.md).
"""
