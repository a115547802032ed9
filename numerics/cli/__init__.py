"""The derivkit command line."""
