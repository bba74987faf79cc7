"""Migration scripts, one per schema revision (a package so that wheels ship them)."""
