"""Raw BEE data: reading its files, and the benchmark n-gram index rows are checked against."""
