"""Chat service: live chat sessions, in memory only; nothing durable, ever."""
