"""Gateway: the only HTTP/WebSocket entry for clients, agents and the web pages."""
