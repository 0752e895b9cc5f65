"""What a load generator measures, and how it hands it to the benchmark runner.

A load generator runs in a process of its own (so its CPU and memory are not the measured
system's) and prints one JSON object as its last line of output; the runner reads it back
with `Case.from_samples`.
"""

import json
import time
from dataclasses import asdict, dataclass, field
from typing import Any

from helpdesk_cli.tokens import Role, sign_token
from shared.settings import Settings


@dataclass
class Samples:
    """Latencies in milliseconds, each with its completion time since the load began."""

    latencies_ms: list[float] = field(default_factory=list)
    finished_at_s: list[float] = field(default_factory=list)
    errors: int = 0
    duration_s: float = 0.0
    extra: dict[str, float | str] = field(default_factory=dict)
    began: float = field(default_factory=time.perf_counter, repr=False)

    def add(self, latency_ms: float, finished_at_s: float | None = None) -> None:
        self.latencies_ms.append(latency_ms)
        if finished_at_s is None:
            finished_at_s = time.perf_counter() - self.began
        self.finished_at_s.append(finished_at_s)

    def error(self) -> None:
        self.errors += 1

    def finish(self) -> None:
        self.duration_s = time.perf_counter() - self.began

    def as_dict(self) -> dict[str, Any]:
        if not self.duration_s:
            self.finish()
        payload = asdict(self)
        del payload["began"]
        return payload

    def dump(self) -> None:
        """Prints the samples as the process's last line, for `Bench.generate`."""
        print(json.dumps(self.as_dict()), flush=True)


ACCOUNT = "bench-hotel"


def bearer(role: str, user_id: str, account: str = ACCOUNT, secret: str | None = None) -> str:
    """A token the run's gateway accepts: signed with the run's secret, which the runner
    gives every process of the run (HELPDESK_JWT_SECRET), load generators included."""
    settings = Settings(jwt_secret=secret) if secret else Settings()
    return sign_token(settings, user_id, user_id, account, Role(role), hours=4)
