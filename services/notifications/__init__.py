"""Notifications service: pop-ups and their reminders (MongoDB)."""
