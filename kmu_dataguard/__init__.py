"""kmu-dataguard: a master-data quality gate for KMU workflows."""
