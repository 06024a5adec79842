"""The accountability API, one module of thin views per subdomain (see inspection/accountability/urls.py)."""
