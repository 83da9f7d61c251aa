"""The production API (and, to come, the web dashboard page): every route calls the run
service (production_agent); see docs/SERVICES.md."""
