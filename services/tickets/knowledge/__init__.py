"""How the knowledge base is used: helpful votes, searches without results, and articles
opened before a ticket was written anyway (kept by the tickets service, which sees tickets
being created)."""
