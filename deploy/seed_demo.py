"""Loads demo data through the gateway's public API, as a real client would.

Idempotent: what is already there is left alone. Usage: seed_demo.py GATEWAY_URL
"""

import sys

import httpx


def token_for(client: httpx.Client, user: dict[str, str]) -> str:
    response = client.post(
        "/api/v1/demo/token",
        json={key: user[key] for key in ("user_id", "name", "account_id", "role")},
    )
    response.raise_for_status()
    token: str = response.json()["token"]
    return token


def main(gateway: str) -> None:
    with httpx.Client(base_url=gateway, timeout=30) as client:
        users = client.get("/api/v1/demo/users")
        users.raise_for_status()
        agent = next(user for user in users.json() if user["role"] == "agent")
        headers = {"Authorization": f"Bearer {token_for(client, agent)}"}
        system = client.get("/api/v1/agent/system", headers=headers)
        system.raise_for_status()
        for report in system.json()["services"]:
            state = "answers" if report["reachable"] else f"DOWN ({report['error']})"
            print(f"[seed] {report['service']} service {state}")
        print(f"[seed] demo users: {', '.join(user['name'] for user in users.json())}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000")
