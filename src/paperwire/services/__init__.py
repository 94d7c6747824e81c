"""Services: what the web pages, the API, the CLI and the worker all call, one package per
capability (discovery, personal, mail, community, intake, operations). Each is handed the
Library (library.py: settings, stores, indexes, model); errors.py, markdown.py, names.py
and holders.py are shared by all and import no package. docs/architecture.md draws who
may import whom; tests/test_architecture.py holds them to it."""
