"""Login, screen lock, audit log, backups, accounts: the security part of the desktop GUI.

Each widget is self-contained: it takes the data folder and an ``Identity``
(desktop_app.security.auth) and runs its core calls through ``ui.jobs``. How they
join the application is in ``integrate.py``.
"""
