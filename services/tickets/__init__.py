"""Tickets service: tickets, replies, attachments' links and counters (MongoDB)."""
