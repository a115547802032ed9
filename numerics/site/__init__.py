"""numerics/site"""
