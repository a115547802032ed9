"""numerics/analysis"""
