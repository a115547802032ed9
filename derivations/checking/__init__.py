"""derivations/checking"""
