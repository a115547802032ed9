"""derivations/topics"""
