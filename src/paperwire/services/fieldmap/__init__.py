"""The map of the field: a 2-D layout of every paper from its vector, its topics nested in
areas and labelled by their distinctive phrases, kept alive as papers arrive.
May import: the shared modules, library and glance; its candidate phrases label the topics."""
