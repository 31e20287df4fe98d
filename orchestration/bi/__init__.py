"""Internal dashboards: Apache Superset over the PostgreSQL marts (`make bi`)."""
