"""The linkage report: how case-management encounters were linked to CAD incidents."""
