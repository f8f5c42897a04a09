"""Route modules: each only reads the request, calls the service and shapes the answer."""
