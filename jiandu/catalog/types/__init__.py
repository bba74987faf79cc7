"""Built-in dataset types, one YAML file per type (file name = type id).

A package (not a bare folder) so that the YAML files ship as package data.
"""
