"""The footage review API, one module of thin views per subdomain (see media_ingest/review/urls.py)."""
