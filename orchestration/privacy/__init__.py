"""Privacy audits: PII canary scans of the warehouse and of published files."""
