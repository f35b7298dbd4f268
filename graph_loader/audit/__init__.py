"""The agreement audit: which of the twelve components each agreement lacks (see
:mod:`graph_loader.audit.run`), stored as a graph and reported."""
