"""The web tier: Flask app factory, blueprints, templates, static files, JSON API."""
