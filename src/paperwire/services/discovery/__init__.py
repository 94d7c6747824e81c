"""Discovery: finding papers — the daily, weekly and monthly feeds and trending, search,
similar papers, suggestions as one types, author pages, a paper looked up and described, a
topic's page.
May import: the shared modules, library, glance (what cards show) and fieldmap (the topics a
topic page lists); never another package of services."""
