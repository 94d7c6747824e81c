"""paperwire: research-paper discovery you run yourself."""

__version__ = "0.2.0"
