"""The `helpdesk` command as the `helpdesk` fixture runs it."""

from collections.abc import Awaitable, Callable

from click.testing import Result

# `await helpdesk("status")`: the command's result, run with the session's environment.
Helpdesk = Callable[..., Awaitable[Result]]
