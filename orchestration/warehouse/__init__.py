"""Reaching the warehouse: what every area that opens a warehouse connection shares."""
