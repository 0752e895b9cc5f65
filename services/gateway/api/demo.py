"""`POST /api/v1/demo/token`: tokens for demo users, only in demo mode."""

from fastapi import APIRouter, HTTPException, status
from pydantic import BaseModel, Field

from services.gateway.deps import AppSettings, Verifier
from shared.people import Caller, Role

router = APIRouter(prefix="/api/v1/demo", tags=["demo"])


class DemoTokenRequest(BaseModel):
    user_id: str = Field(min_length=1, max_length=200)
    name: str = Field(min_length=1, max_length=200)
    account_id: str = Field(min_length=1, max_length=200)
    role: Role = "user"
    # As a host's token carries it: the address e-mail copies of answers go to.
    email: str | None = Field(default=None, max_length=254)


class Token(BaseModel):
    token: str


class DemoUser(BaseModel):
    user_id: str
    name: str
    account_id: str
    account_name: str
    role: Role
    email: str | None = None


# Two hotels with two staff each, and two support agents: enough to show that history is
# shared within an account, isolated across accounts, and that agents see every account.
DEMO_USERS = [
    DemoUser(
        user_id="anna",
        name="Anna Kowalska",
        account_id="hotel-baltyk",
        account_name="Hotel Bałtyk",
        role="user",
        email="anna.kowalska@hotel-baltyk.example",
    ),
    DemoUser(
        user_id="piotr",
        name="Piotr Nowak",
        account_id="hotel-baltyk",
        account_name="Hotel Bałtyk",
        role="user",
        email="piotr.nowak@hotel-baltyk.example",
    ),
    DemoUser(
        user_id="maria",
        name="Maria Wiśniewska",
        account_id="pensjonat-tatry",
        account_name="Pensjonat Tatry",
        role="user",
        email="maria.wisniewska@pensjonat-tatry.example",
    ),
    DemoUser(
        user_id="jan",
        name="Jan Zieliński",
        account_id="pensjonat-tatry",
        account_name="Pensjonat Tatry",
        role="user",
    ),
    DemoUser(
        user_id="ewa-support",
        name="Ewa (wsparcie)",
        account_id="support",
        account_name="Zespół wsparcia",
        role="agent",
    ),
    DemoUser(
        user_id="tomasz-support",
        name="Tomasz (wsparcie)",
        account_id="support",
        account_name="Zespół wsparcia",
        role="agent",
    ),
]


def _require_demo(settings: AppSettings) -> None:
    if not settings.demo:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Not Found")


@router.get("/users", responses={404: {"description": "not in demo mode"}})
async def demo_users(settings: AppSettings) -> list[DemoUser]:
    _require_demo(settings)
    return DEMO_USERS


@router.post("/token", responses={404: {"description": "not in demo mode"}})
async def demo_token(body: DemoTokenRequest, settings: AppSettings, verifier: Verifier) -> Token:
    _require_demo(settings)
    caller = Caller(
        id=body.user_id,
        name=body.name,
        account_id=body.account_id,
        role=body.role,
        email=body.email,
    )
    return Token(token=verifier.issue(caller))
