"""numerics/compare"""
