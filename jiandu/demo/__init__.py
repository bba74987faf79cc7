"""Demo province: sample data with planted cases."""
