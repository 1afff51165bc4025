"""Settings, reference data, the database base and the shared domain errors."""
