"""numerics/site/pages"""
