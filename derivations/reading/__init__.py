"""derivations/reading"""
