"""Live chat: the domain rules, and the whole conversation through the real gateway."""
