"""The HTTP service: Flask app factory, routes, validation, errors, OpenAPI, metrics and the gunicorn runner."""
