"""Transport: what every HTTP core shares (the address guard)."""
