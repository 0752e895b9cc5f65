"""Attachments through the gateway: uploads checked by content, the multipart forms that carry
them, and their download."""
