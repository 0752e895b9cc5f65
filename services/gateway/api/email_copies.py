"""E-mail copies of support's answers: the caller's choice (Help menu, Ticket history)."""

from typing import Any

from fastapi import APIRouter

from services.gateway.deps import CurrentUser, Rpc
from shared.email_copies import EmailCopies, EmailCopiesChoice, EmailCopiesQuery, SetEmailCopies
from shared.routes import EMAIL_COPIES, SET_EMAIL_COPIES

router = APIRouter(prefix="/api/v1/email-copies", tags=["email copies"])

ERRORS: dict[int | str, dict[str, Any]] = {
    503: {"description": "a service is unavailable; retry"},
}


@router.get("", responses=ERRORS)
async def email_copies(caller: CurrentUser, rpc: Rpc) -> EmailCopies:
    """Whether copies are offered (the token has an `email` claim), on, and to which address.

    Looking also moves copies to the address of this token when it differs from the one
    stored: the host's address is the one to trust.
    """
    return await rpc.call(EMAIL_COPIES, EmailCopiesQuery(caller=caller))


@router.put(
    "",
    responses={
        **ERRORS,
        409: {"description": "the token has no `email` claim (code email_address_missing)"},
        422: {"description": "invalid field"},
    },
)
async def set_email_copies(caller: CurrentUser, rpc: Rpc, choice: EmailCopiesChoice) -> EmailCopies:
    """Turn copies on (to the token's address) or off."""
    return await rpc.call(SET_EMAIL_COPIES, SetEmailCopies(caller=caller, enabled=choice.enabled))
