"""The ranked backlog taken out of popm: CSV and XLSX for spreadsheets, and a CSV in the shape
Jira's CSV importer reads, to write WSJF back onto the issues. No models of its own.

It reads scoring (the ranked backlog) and planning (the PI's capacity plan sheet); nothing in
scoring, planning, tradeoffs or rescoring reads it.
"""
