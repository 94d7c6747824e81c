"""Services: what the web pages, the API, the CLI and the worker all call."""
