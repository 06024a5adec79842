"""The inspection API, one module of thin views per subdomain (see inspection/urls.py)."""
