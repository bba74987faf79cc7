"""Ingestion: readers, cleaning, quality report and the batch importer."""
