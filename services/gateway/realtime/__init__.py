"""Sockets to the browser: admission by token and bounded sends, this instance's push queue on
the broker, the pop-up and ticket streams, and live chat."""
