"""The data pool: immutable Parquet batches on disk and the engines that query them."""
