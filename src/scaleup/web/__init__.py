"""The web application: review pages, JSON API, support finder and admin."""
