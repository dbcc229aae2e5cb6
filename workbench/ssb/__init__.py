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
from workbench.ssb.metadata import Metadata, Need, TableNeeds, resolve
from workbench.ssb.tables import (
    PROJECTION_ALTERNATIVES,
    TABLES,
    care_fte,
    care_statistics,
    fetch_table,
    kostra_accounts,
    merge_manifest,
    population,
    population_67,
    population_projection,
    source_entry,
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
    "Metadata",
    "Need",
    "Query",
    "SsbError",
    "TableNeeds",
    "care_fte",
    "care_statistics",
    "decode",
    "fetch_table",
    "klass_changes",
    "kostra_accounts",
    "kostra_group",
    "merge_manifest",
    "numbers_over_time",
    "population",
    "population_67",
    "population_projection",
    "read_number_changes",
    "resolve",
    "source_entry",
    "to_age_groups",
    "to_current",
    "write_inputs",
]
