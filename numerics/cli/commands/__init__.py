"""One module per ``derivkit`` command; each exposes ``register(subparsers)``."""
