"""Standalone emulator server: ``python -m mcgov.emulator.server [--host 127.0.0.1] [--port 5000] [--config cfg.json]``.

Serves moto's ThreadedMotoServer with the emulator patches, so CLI runs work with
``AWS_ENDPOINT_URL=http://127.0.0.1:5000``. Choose the calling account with credentials from
``GET /_emulator/credentials/<account id or label>`` (an STS AssumeRole in the emulator), or with
the ``x-moto-account-id`` request header. Control endpoints (JSON bodies):

* ``POST /_emulator/fail-association``
  ``{"principal": "2222...", "resource_arn": null, "share_arn": null, "message": "..."}``
* ``POST /_emulator/clock/advance`` ``{"seconds": 3600}``
* ``POST /_emulator/association-delay`` ``{"polls": 3, "seconds": null}``
* ``GET /_emulator/state``: config, clock time, injected failures and the number of calls served.
* ``POST /_emulator/events/config`` ``{"delay_seconds": 2, "drop_rate": 0.5, "seed": 7, "ram_detail": "documented"}``
* ``GET /_emulator/events?bus=default&account=card``: the events that entered a bus (``bus`` may be an ARN).
* ``GET /_emulator/events/deliveries``: every delivery attempt to a rule's or a schedule's target.
* ``POST /_emulator/events/pump``: deliver what is due now (a background thread also does it every 0.2 s).

Every request, ``/moto-api`` and ``/_emulator`` included, must name a loopback host (``Host: localhost``,
``127.0.0.1`` or ``[::1]``, any port) and carry no ``Origin`` other than a loopback page's: anything else gets 403
(``mcgov.emulator.loopback``). Binding beyond loopback (``--host 0.0.0.0``) prints a warning.
A process that waits on this server (the ``mcgov`` gate) with ``MCGOV_EMULATOR_CLOCK=1`` advances this clock instead
of sleeping (``mcgov.clock``; honoured only for a loopback ``http://`` endpoint that answers the control routes).

The config file is a JSON object with ``EmulatorConfig`` fields. Without ``--config`` the organization admits every
12-digit account (``any_account_in_organization``), so a hub and its spokes of any ids share within it;
``--organization configured`` keeps only the configured accounts in it.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict
from typing import Any

import boto3
from moto.core.config import default_user_config
from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from werkzeug.serving import BaseWSGIServer, make_server
from werkzeug.wrappers import Request, Response

from mcgov.emulator import patches
from mcgov.emulator.config import Clock, EmulatorConfig
from mcgov.emulator.core import moto_config
from mcgov.emulator.events.control import EventsControl
from mcgov.emulator.events.sources import clock_sources
from mcgov.emulator.exceptions import EmulatorConfigError, EmulatorNotStartedError
from mcgov.emulator.loopback import LoopbackGuard, is_loopback_bind
from mcgov.emulator.state import EmulatorState, FailureRule, set_state

CONTROL_PREFIX = "/_emulator/"
WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class ControlApp:
    """WSGI middleware: ``/_emulator/*`` control requests, everything else to moto."""

    def __init__(self, moto_app: WsgiApp, server: EmulatorServer) -> None:
        self.moto_app = moto_app
        self.server = server

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if not environ.get("PATH_INFO", "").startswith(CONTROL_PREFIX):
            return self.moto_app(environ, start_response)
        request = Request(environ)
        try:
            body = self.handle(
                request.method, request.path[len(CONTROL_PREFIX) :], request.get_json(silent=True) or {}, request.args
            )
            response = Response(json.dumps(body, default=str), 200, mimetype="application/json")
        except (EmulatorConfigError, KeyError, TypeError, ValueError) as exc:
            response = Response(json.dumps({"error": str(exc)}), 400, mimetype="application/json")
        return response(environ, start_response)

    def handle(
        self, method: str, route: str, body: dict[str, Any], query: Mapping[str, str] | None = None
    ) -> dict[str, Any]:
        """Run one control command and return its JSON result; what it made due is pumped before answering."""
        result = self._handle(method, route, body, query or {})
        self.server.state.events.pump()
        return result

    def _handle(self, method: str, route: str, body: dict[str, Any], query: Mapping[str, str]) -> dict[str, Any]:
        state = self.server.state
        events = self.server.events
        if method == "POST" and route == "fail-association":
            if not body.get("principal") and not body.get("resource_arn"):
                raise EmulatorConfigError("Pass principal and/or resource_arn.")
            message = body.get("message", "Injected failure")
            for key in ("principal", "resource_arn"):
                if body.get(key):
                    state.failures.append(
                        FailureRule(message=message, share_arn=body.get("share_arn"), **{key: body[key]})
                    )
            return {"failures": len(state.failures)}
        if method == "POST" and route == "clock/advance":
            return {"now": state.clock.advance(float(body["seconds"]))}
        if method == "POST" and route == "association-delay":
            state.config.associate_after_polls = body.get("polls")
            state.config.associate_after_seconds = body.get("seconds")
            return {"polls": body.get("polls"), "seconds": body.get("seconds")}
        if method == "GET" and route == "state":
            return {
                "config": asdict(state.config),
                "now": state.clock.now(),
                "failures": [asdict(f) for f in state.failures],
                "api_calls": len(state.api_calls),
            }
        if method == "POST" and route == "events/config":
            return asdict(events.configure(**body))
        if method == "GET" and route == "events":
            log = events.log(query.get("bus", "default"), query.get("account", "card"), query.get("region"))
            return {"events": log}
        if method == "GET" and route == "events/deliveries":
            return {"deliveries": [asdict(d) for d in events.deliveries()]}
        if method == "POST" and route == "events/pump":
            return {"ran": events.pump()}
        if method == "GET" and route.startswith("credentials/"):
            return self.server.credentials(route.split("/", 1)[1])
        raise EmulatorConfigError(f"Unknown control request {method} {CONTROL_PREFIX}{route}.")


class EmulatorServer:
    """A moto server with the emulator patches and a control endpoint; ``port=0`` picks a free port."""

    def __init__(
        self,
        config: EmulatorConfig | None = None,
        host: str = "127.0.0.1",
        port: int = 5000,
        pump_interval: float | None = 0.2,
    ) -> None:
        self.config = config or EmulatorConfig()
        self.state = EmulatorState(config=self.config, clock=Clock())
        self.events = EventsControl(self.state.events, self.account_id, self.config.region)
        self.pump_interval = pump_interval
        self.host, self.port = host, port
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None
        self._saved_config: dict[str, Any] = {}
        self._previous_state: EmulatorState | None = None

    @property
    def url(self) -> str:
        """Endpoint URL for AWS_ENDPOINT_URL / boto3 ``endpoint_url``."""
        if self._server is None:
            raise EmulatorNotStartedError("Start the server first.")
        wildcard = self.host in ("0.0.0.0", "::", "")  # a wildcard bind is reached on loopback
        host = "127.0.0.1" if wildcard else self.host
        return f"http://{host}:{self._server.server_address[1]}"

    def start(self) -> EmulatorServer:
        """Apply the patches and serve in a daemon thread."""
        patches.apply()
        self._previous_state = set_state(self.state)
        self._saved_config = {k: dict(v) for k, v in default_user_config.items() if isinstance(v, dict)}
        for key, value in moto_config(True).items():
            default_user_config.setdefault(key, {}).update(value)  # type: ignore[misc]
        if not is_loopback_bind(self.host):
            print(
                f"warning: the emulator listens on {self.host}, beyond loopback: other machines can reach it "
                "(it still answers only requests whose Host is localhost, 127.0.0.1 or [::1]).",
                file=sys.stderr,
                flush=True,
            )
        app = LoopbackGuard(ControlApp(DomainDispatcherApplication(create_backend_app), self))
        self._server = make_server(self.host, self.port, app, threaded=True, request_handler=MotoRequestHandler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        hub = self.state.events
        hub.sources = clock_sources(hub)
        self.state.clock.listener = hub
        if self.pump_interval:
            hub.start_background(self.pump_interval)
        return self

    def stop(self) -> None:
        """Stop serving, revert the patches and moto config (idempotent)."""
        if self._server is None:
            return
        self.state.events.stop_background()
        self.state.clock.listener = None
        self._server.shutdown()
        self._server.server_close()
        if self._thread:
            self._thread.join()
        self._server = self._thread = None
        default_user_config.update(self._saved_config)  # type: ignore[typeddict-item]
        patches.revert()
        if self._previous_state is not None:
            set_state(self._previous_state)

    def __enter__(self) -> EmulatorServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def account_id(self, account: str) -> str:
        """Resolve an account label or id."""
        if account in self.config.accounts:
            return self.config.accounts[account]
        if account == "card":
            return self.config.card_account
        if len(account) == 12 and account.isdigit():
            return account
        raise EmulatorConfigError(f"Unknown account {account!r}; use a 12-digit id or a configured label.")

    def credentials(self, account: str) -> dict[str, str]:
        """Temporary credentials (AssumeRole in the emulator) acting as ``account``."""
        account_id = self.account_id(account)
        creds = boto3.client(
            "sts",
            endpoint_url=self.url,
            region_name=self.config.region,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        ).assume_role(RoleArn=f"arn:aws:iam::{account_id}:role/emulator-{account_id}", RoleSessionName="emulator")[
            "Credentials"
        ]
        return {
            "AWS_ACCESS_KEY_ID": creds["AccessKeyId"],
            "AWS_SECRET_ACCESS_KEY": creds["SecretAccessKey"],
            "AWS_SESSION_TOKEN": creds["SessionToken"],
            "account": account_id,
        }

    def session(self, account: str) -> boto3.Session:
        """A boto3 session for ``account``; create clients with ``endpoint_url=server.url``."""
        creds = self.credentials(account)
        return boto3.Session(
            aws_access_key_id=creds["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=creds["AWS_SECRET_ACCESS_KEY"],
            aws_session_token=creds["AWS_SESSION_TOKEN"],
            region_name=self.config.region,
        )


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(prog="python -m mcgov.emulator.server", description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5000)
    parser.add_argument("--config", help="JSON file with EmulatorConfig fields")
    parser.add_argument(
        "--organization",
        choices=("any", "configured"),
        help="who is in the organization: any 12-digit account (default without --config) or only "
        "the configured accounts (default with --config)",
    )
    args = parser.parse_args(argv)
    try:
        config = EmulatorConfig.from_file(args.config) if args.config else EmulatorConfig()
        if args.organization == "any" or (args.organization is None and not args.config):
            config.any_account_in_organization = True
    except EmulatorConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    server = EmulatorServer(config, host=args.host, port=args.port).start()
    print(f"emulator listening on {server.url} (control: {server.url}{CONTROL_PREFIX}state)", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
