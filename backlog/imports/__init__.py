"""Jira CSV in: reading the file (jira_csv.py, pure). The preview, the confirm through
backlog.services and the import job build on it."""
