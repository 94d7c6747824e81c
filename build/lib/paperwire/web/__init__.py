"""The web site and JSON API: thin routes over the services."""
