"""Small helpers shared by the capabilities: AWS sessions, JSON, hashing, logging."""
