"""innsatstrapp workbench."""
