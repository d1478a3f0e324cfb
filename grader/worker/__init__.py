"""Code that runs inside the untrusted worker process (and nothing that must stay secret)."""
