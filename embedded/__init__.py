"""Embedded engines for the one-machine default: each starts a real server from a PyPI package
when its service URL is not set. Nothing here is used when the URLs point at real servers."""
