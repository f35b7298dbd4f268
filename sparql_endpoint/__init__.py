"""lamcoop's service: the Flask application that serves the store over HTTP."""
