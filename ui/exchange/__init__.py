"""The GUI of the USB exchange (issue 5 item 8): ``ExchangePage`` (keys, cards, the
offices and the state of the exchanges with each, the export and import wizards) and
``ConflictsPage``.  Both take ``(data_dir, parent=None)`` and, from the main window,
``open_session=`` (the logged-in user's session factory); both emit
``families_changed(frozenset)`` after they changed records, for the lists to refresh."""
from ui.exchange.conflicts_page import ConflictsPage
from ui.exchange.exchange_page import ExchangePage

__all__ = ["ExchangePage", "ConflictsPage"]
