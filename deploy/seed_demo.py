"""Loads demo data through the gateway's public API, as a real client would.

Idempotent: every ticket and reply is sent with an Idempotency-Key, so running it again
changes nothing. Usage: seed_demo.py GATEWAY_URL
"""

import sys
from typing import Any

import httpx

# (account, author, subject, message, importance, agent's answer, status the agent sets)
DEMO_TICKETS = [
    (
        "hotel-baltyk",
        "anna",
        "Faktura korygująca do rezerwacji",
        "Gość prosi o korektę NIP na fakturze do rezerwacji z 12 listopada. "
        "Przy próbie wystawienia korekty system pokazuje błąd zapisu.",
        "high",
        "Dzień dobry, poprawiliśmy walidację NIP. Proszę spróbować ponownie wystawić "
        "korektę i dać znać, czy wszystko działa.",
        "awaiting_reply",
    ),
    (
        "hotel-baltyk",
        "piotr",
        "Brak synchronizacji cen z Booking.com",
        "Od wczoraj ceny na weekend nie przechodzą do channel managera.",
        "critical",
        None,
        None,
    ),
    (
        "hotel-baltyk",
        "anna",
        "Raport obłożenia za październik",
        "Jak wyeksportować raport obłożenia do Excela?",
        "low",
        "Raport znajdzie Pani w menu Raporty → Obłożenie; przycisk Eksport zapisuje plik XLSX.",
        "resolved",
    ),
    (
        "pensjonat-tatry",
        "maria",
        "Nowy użytkownik recepcji",
        "Proszę o pomoc w dodaniu konta dla nowej recepcjonistki.",
        "normal",
        None,
        None,
    ),
]


# This demo user gets e-mail copies of answers: the local start shows them in Mailpit.
EMAIL_COPIES_FOR = "anna"


def token_for(client: httpx.Client, user: dict[str, str]) -> str:
    fields = ("user_id", "name", "account_id", "role", "email")
    response = client.post(
        "/api/v1/demo/token", json={key: user[key] for key in fields if user.get(key)}
    )
    response.raise_for_status()
    token: str = response.json()["token"]
    return token


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def seed_tickets(client: httpx.Client, users: list[dict[str, Any]], agent: dict[str, str]) -> None:
    by_id = {user["user_id"]: user for user in users}
    for index, (_account, author, subject, message, importance, answer, status) in enumerate(
        DEMO_TICKETS
    ):
        headers = bearer(token_for(client, by_id[author]))
        response = client.post(
            "/api/v1/tickets",
            data={"subject": subject, "message": message, "importance": importance},
            headers={**headers, "Idempotency-Key": f"demo-ticket-{index}"},
        )
        response.raise_for_status()
        number = response.json()["number"]
        if answer:
            client.post(
                f"/api/v1/agent/tickets/{number}/replies",
                data={"message": answer},
                headers={**agent, "Idempotency-Key": f"demo-reply-{index}"},
            ).raise_for_status()
        if status:
            client.patch(
                f"/api/v1/agent/tickets/{number}", json={"status": status}, headers=agent
            ).raise_for_status()


def main(gateway: str) -> None:
    with httpx.Client(base_url=gateway, timeout=30) as client:
        users = client.get("/api/v1/demo/users")
        users.raise_for_status()
        agent_user = next(user for user in users.json() if user["role"] == "agent")
        agent = bearer(token_for(client, agent_user))
        system = client.get("/api/v1/agent/system", headers=agent)
        system.raise_for_status()
        for report in system.json()["services"]:
            state = "answers" if report["reachable"] else f"DOWN ({report['error']})"
            print(f"[seed] {report['service']} service {state}")
        copies_for = next(user for user in users.json() if user["user_id"] == EMAIL_COPIES_FOR)
        client.put(
            "/api/v1/email-copies",
            json={"enabled": True},
            headers=bearer(token_for(client, copies_for)),
        ).raise_for_status()
        print(
            f"[seed] e-mail copies of answers on for {copies_for['name']} ({copies_for['email']})"
        )
        seed_tickets(client, users.json(), agent)
        print(f"[seed] demo tickets in place: {len(DEMO_TICKETS)}")
        print(f"[seed] demo users: {', '.join(user['name'] for user in users.json())}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000")
