"""numerics/solve"""
