"""`helpdesk`: the operators' command line (tokens, dead letters, status, seeding, servers)."""
