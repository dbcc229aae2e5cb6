"""Statistics Norway (SSB): the HTTP client (:mod:`~workbench.ssb.client`), the JSON-stat 2
decoder (:mod:`~workbench.ssb.jsonstat`), municipality numbers and KLASS
(:mod:`~workbench.ssb.klass`), and the tables and input files the workbench makes from them
(:mod:`~workbench.ssb.tables`)."""

from workbench.ssb.client import BASE_URL, KLASS_URL, MAX_URL_LENGTH, Client, Dataset, Query
from workbench.ssb.jsonstat import SsbError, decode
from workbench.ssb.klass import (
    klass_changes,
    kostra_group,
    numbers_over_time,
    read_number_changes,
    to_current,
)
from workbench.ssb.tables import (
    PROJECTION_ALTERNATIVES,
    TABLES,
    TableSpec,
    kostra_accounts,
    population,
    population_projection,
    to_age_groups,
    write_inputs,
)

__all__ = [
    "BASE_URL",
    "KLASS_URL",
    "MAX_URL_LENGTH",
    "PROJECTION_ALTERNATIVES",
    "TABLES",
    "Client",
    "Dataset",
    "Query",
    "SsbError",
    "TableSpec",
    "decode",
    "klass_changes",
    "kostra_accounts",
    "kostra_group",
    "numbers_over_time",
    "population",
    "population_projection",
    "read_number_changes",
    "to_age_groups",
    "to_current",
    "write_inputs",
]
