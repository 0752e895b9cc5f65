"""The gateway's HTTP API: one module of routes per area of the Help menu and the console."""
