"""The emulator's RAM clientToken check is atomic: threads sharing one token make exactly one share."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from botocore.exceptions import ClientError

THREADS = 16
TRIALS = 30
CARD = "111111111111"


def _create_together(clients: list[Any], token: str, name: str) -> tuple[list[str], list[BaseException]]:
    """Every client calls CreateResourceShare with ``token`` at once (released by one barrier)."""
    barrier = threading.Barrier(len(clients))
    arns: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def work(client: Any) -> None:
        barrier.wait(timeout=30)
        try:
            arn = client.create_resource_share(name=name, clientToken=token)["resourceShare"]["resourceShareArn"]
        except BaseException as exc:  # noqa: BLE001 - asserted below
            with lock:
                errors.append(exc)
        else:
            with lock:
                arns.append(arn)

    threads = [threading.Thread(target=work, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a thread did not finish within 60 s"
    return arns, errors


@pytest.fixture
def slow_create(monkeypatch: pytest.MonkeyPatch) -> None:
    """Give CreateResourceShare some service latency (2 ms), so that unlocked check-then-create would race."""
    from mcgov.emulator.ram.models import EmulatorRamBackend

    original = EmulatorRamBackend.create_resource_share

    def create(self: Any, *args: Any, **kwargs: Any) -> Any:
        time.sleep(0.002)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(EmulatorRamBackend, "create_resource_share", create)


def test_threads_sharing_one_client_token_create_exactly_one_share(emulator: Any, slow_create: None) -> None:
    session = emulator.session(CARD)
    clients = [session.client("ram") for _ in range(THREADS)]
    for trial in range(TRIALS):
        name = f"token-race-{trial}"
        arns, errors = _create_together(clients, f"token-{trial}", name)
        assert errors == [], f"trial {trial}: {errors[:2]}"
        assert len(arns) == THREADS and len(set(arns)) == 1, f"trial {trial}: {len(set(arns))} distinct shares"
        listed = clients[0].get_resource_shares(resourceOwner="SELF", name=name)["resourceShares"]
        assert [s["resourceShareArn"] for s in listed] == arns[:1], f"trial {trial}: RAM holds {len(listed)} shares"


def test_a_reused_token_with_other_parameters_is_refused(emulator: Any) -> None:
    ram = emulator.session(CARD).client("ram")
    ram.create_resource_share(name="first", clientToken="same-token")
    with pytest.raises(ClientError) as exc:
        ram.create_resource_share(name="second", clientToken="same-token")
    assert exc.value.response["Error"]["Code"] == "IdempotentParameterMismatchException"
