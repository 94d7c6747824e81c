"""Discovery: finding papers — the daily, weekly and monthly feeds and trending, search,
similar papers, suggestions as one types, author pages, a paper looked up and described.
May import: the shared modules, library and glance (what cards show); never another package
of services."""
