"""Find secrets in text the card copies: by the name it is stored under, and by the value itself (pure functions).

The by-value detectors follow Yelp's detect-secrets plugins (AWS keys, private keys, JWTs, basic-auth URLs,
GitHub/GitLab/Slack/Stripe/SendGrid/npm/PyPI/OpenAI/Twilio/... tokens, high-entropy strings) and gitleaks' and
Nosey Parker's rules for vendor tokens whose body is hex (Shopify, DigitalOcean, Databricks, New Relic...), which
no entropy limit catches; the tests check, on corpora they build, that everything detect-secrets flags is
flagged here too, that 48+ token formats are found, and that ordinary hyperparameters are kept.

Identifiers are not secrets: AWS ARNs of any service, S3 URIs, ECR image references, ``sha256:`` digests and
SageMaker Pipelines job names (``pipelines-<execution id>-<step>-<suffix>``) look random but name things. They are
left out of the entropy check, and a value that is one of them is kept whatever its name (``kms_key_arn``).
What is found is replaced by ``REDACTED``; the card names the field, never the value.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterator
from typing import Any

from mcgov.text import strip_invisible

REDACTED = "<redacted>"

# Name tokens that mark a secret whatever surrounds them.
_SECRET_TOKENS = frozenset(
    {
        "password",
        "passwd",
        "passwrd",
        "pwd",
        "pass",
        "passphrase",
        "passcode",
        "secret",
        "secrets",
        "credential",
        "credentials",
        "creds",
        "cred",
        "apikey",
        "apikeys",
        "privatekey",
        "accesskey",
        "secretkey",
        "signingkey",
        "authorization",
        "auth",
        "authn",
        "bearer",
        "jwt",
        "cookie",
        "cookies",
        "sessionid",
        "session",
        "salt",
        "dsn",
        "pat",
        "otp",
        "totp",
        "pin",
        "hmac",
        "sas",
        "webhook",
        "connstr",
        "connectionstring",
        "kubeconfig",
        "netrc",
        "pgpass",
        "htpasswd",
        "oauth",
        "sig",
        "signature",
        "encryptionkey",
        "masterkey",
        "clientsecret",
        "refreshtoken",
        "accesstoken",
        "idtoken",
        "apitoken",
        "authtoken",
        "csrf",
        "xsrf",
        "nonce",
        "seedphrase",
        "mnemonic",
    }
)
# Name tokens that mark a secret unless a counting word says the value is a size ("max_tokens", "key_length").
_SOFT_TOKENS = frozenset({"token", "key", "keys", "cert", "license", "licence", "login"})
_COUNT_TOKENS = frozenset(
    {
        "max",
        "min",
        "num",
        "number",
        "count",
        "len",
        "length",
        "size",
        "limit",
        "per",
        "dim",
        "dims",
        "dropout",
        "type",
        "types",
        "id",
        "ids",
        "index",
        "column",
        "col",
        "field",
        "name",
        "names",
        "vocab",
        "embedding",
        "frequency",
        "freq",
        "ratio",
        "rate",
        "weight",
        "weights",
        "padding",
        "pad",
        "position",
        "positions",
        "prefix",
        "suffix",
        "sort",
        "partition",
        "hash",
        "bucket",
        "path",
        "file",
        "prefixes",
        "s3",
        "uri",
    }
)
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


def name_tokens(name: str) -> list[str]:
    """The words of a name: split on punctuation, spaces and camelCase (``githubPat`` -> github, pat)."""
    text = strip_invisible(unicodedata.normalize("NFKC", name))
    return [t.casefold() for t in re.split(r"[^0-9A-Za-z]+", _CAMEL.sub(" ", text)) if t]


def is_secret_name(name: str) -> bool:
    """True when a name looks like it holds a secret (``DB_PASS``, ``githubPat``, ``Authorization``, ``api-key``)."""
    tokens = name_tokens(name)
    joined = "".join(tokens)
    if any(t in _SECRET_TOKENS for t in tokens):
        return True
    if any(
        word in joined
        for word in (
            "password",
            "passwd",
            "passphrase",
            "secret",
            "credential",
            "apikey",
            "privatekey",
            "accesskey",
            "secretkey",
            "authtoken",
            "accesstoken",
            "bearertoken",
            "refreshtoken",
            "sessiontoken",
            "idtoken",
            "githubpat",
            "connstr",
            "connectionstring",
        )
    ):
        return True
    if any(t in _SOFT_TOKENS or t.endswith("token") and len(t) > 5 for t in tokens):
        return not any(t in _COUNT_TOKENS for t in tokens)
    return False


_VALUE_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern))
    for kind, pattern in (
        (
            "aws-access-key-id",
            r"(?<![A-Z0-9])(?:A3T[A-Z0-9]|ABIA|ACCA|AKIA|ASIA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA)[0-9A-Z]{16}(?![A-Z0-9])",
        ),
        (
            "private-key",
            r"-----BEGIN[A-Z ]*PRIVATE KEY( BLOCK)?-----|PuTTY-User-Key-File-\d|BEGIN SSH2 ENCRYPTED PRIVATE KEY",
        ),
        ("jwt", r"eyJ[A-Za-z0-9_=-]+\.[A-Za-z0-9_=-]+\.?[A-Za-z0-9_.+/=-]*"),
        ("bearer-token", r"(?i)\bbearer\s+[A-Za-z0-9\-._~+/]{8,}=*"),
        # A password in a URL's userinfo, the user name possibly empty (``redis://:pw@host``, RFC 3986 3.2.1).
        ("basic-auth-url", r"(?<=://)[^\s/:@{}]*:[^\s/@{}]+(?=@)"),
        ("github-token", r"\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9_]{36,}|\bgithub_pat_[A-Za-z0-9_]{22,}"),
        (
            "gitlab-token",
            r"\b(?:glpat|gldt|glft|glsoat|glrt|glcbt|glimt|glptt|glagent|gloas)-[A-Za-z0-9_\-]{20,}|GR1348941[A-Za-z0-9_\-]{20,}",
        ),
        (
            "slack-token",
            r"(?i)\bxox[abposre]-(?:\d+-)+[a-z0-9]+|https://hooks\.slack\.com/services/T[A-Za-z0-9_]+/B[A-Za-z0-9_]+/[A-Za-z0-9_]+",
        ),
        ("stripe-key", r"\b[rsp]k_(?:live|test)_[0-9a-zA-Z]{24,}"),
        ("sendgrid-key", r"SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}"),
        ("npm-token", r"\bnpm_[A-Za-z0-9]{36}|_authToken=\S+"),
        ("pypi-token", r"pypi-AgE[A-Za-z0-9_-]{50,}"),
        # OpenAI (sk-proj-, sk-svcacct-, sk-admin-, legacy sk- + 48) and Anthropic (sk-ant-api03-) keys; a bare
        # ``sk-`` word such as an ``sk-learn-train`` step name is not one.
        ("openai-key", r"\bsk-(?:proj|svcacct|admin|ant-(?:api|admin)\d\d)-[A-Za-z0-9_-]{20,}|\bsk-[A-Za-z0-9]{32,}"),
        ("twilio-key", r"\b(?:AC|SK)[a-z0-9]{32}\b"),
        ("mailchimp-key", r"\b[0-9a-z]{32}-us[0-9]{1,2}\b"),
        ("google-api-key", r"\bAIza[0-9A-Za-z_\-]{35}"),
        ("google-oauth", r"\bGOCSPX-[A-Za-z0-9_-]{28}|\bya29\.[A-Za-z0-9_-]{20,}"),
        ("azure-storage-key", r"AccountKey=[A-Za-z0-9+/=]{20,}"),
        ("azure-sas", r"[?&]sig=[A-Za-z0-9%+/=]{20,}"),
        ("discord-token", r"\b[MNO][A-Za-z\d_-]{23,25}\.[A-Za-z\d_-]{6}\.[A-Za-z\d_-]{27}"),
        ("telegram-token", r"\b\d{8,10}:[0-9A-Za-z_-]{35}\b"),
        ("square-token", r"sq0(?:csp|atp)-[0-9A-Za-z\-_]{22,}"),
        ("artifactory-token", r"(?:^|[\s=:\"])(?:AKC[a-zA-Z0-9]{10,}|AP[\dA-F][a-zA-Z0-9]{8,})(?=[\s\"]|$)"),
        ("softlayer-key", r"api\.softlayer\.com/soap/v3(?:\.1)?/[a-z0-9]{64}"),
        ("huggingface-token", r"\bhf_[A-Za-z0-9]{30,}"),
        # Vendor tokens with a hex or short body (gitleaks config/gitleaks.toml rule ids in brackets; Nosey Parker
        # crates/noseyparker/data/default/rules/newrelic.yml for New Relic):
        # Shopify access, custom-app, private-app tokens and shared secret [shopify-*]: shpat_/shpca_/shppa_/shpss_.
        ("shopify-token", r"\bshp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}\b"),
        # DigitalOcean personal access, OAuth access and refresh tokens [digitalocean-pat/-access-token/-refresh-token].
        ("digitalocean-token", r"(?i)\bdo[por]_v1_[a-f0-9]{64}\b"),
        # Databricks personal access token [databricks-api-token]: dapi + 32 hex, optionally -<digit>.
        ("databricks-token", r"\bdapi[a-h0-9]{32}(?:-\d)?\b"),
        # New Relic license (ingest) key: 40 characters ending NRAL [np-newrelic-01]; user key NRAK-, admin NRAA-,
        # REST NRRA-, Insights insert/query NRII-/NRIQ-, browser NRJS- [np-newrelic-03..07, new-relic-*].
        (
            "newrelic-key",
            r"(?i)\b[a-z0-9]{6}[a-f0-9]{30}nral\b|\bNR(?:AK|AA)-[A-Za-z0-9]{27}\b|\bNRRA-[a-f0-9]{42}\b"
            r"|\bNRI[IQ]-[A-Za-z0-9_-]{32}(?![A-Za-z0-9_-])|\bNRJS-[a-f0-9]{19}\b",
        ),
        ("pulumi-token", r"\bpul-[a-f0-9]{40}\b"),
        ("sentry-token", r"\bsntry[us]_[A-Za-z0-9+/=_]{40,}"),
        ("postman-key", r"\bPMAK-[a-fA-F0-9]{24}-[a-fA-F0-9]{34}\b"),
        ("linear-key", r"\blin_api_[A-Za-z0-9]{40}\b"),
        ("doppler-token", r"\bdp\.(?:pt|st|sa|ct|scim|audit)\.[A-Za-z0-9]{40,44}\b"),
        ("age-key", r"AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}"),
        ("heroku-key", r"\bHRKU-AA[0-9a-zA-Z_-]{58}"),
        ("dynatrace-token", r"\bdt0c01\.[A-Za-z0-9]{24}\.[A-Za-z0-9]{64}\b"),
        ("grafana-token", r"\bglsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8}\b|\bglc_[A-Za-z0-9+/]{32,}"),
        ("vault-token", r"\bhv[sbr]\.[A-Za-z0-9_-]{24,}"),
        ("atlassian-token", r"\bATATT3[A-Za-z0-9_\-=]{100,}"),
        ("dockerhub-token", r"\bdckr_pat_[A-Za-z0-9_-]{27,}"),
    )
)
# ``name=value`` / ``name: value`` / ``--name value`` pairs inside a longer string.
_PAIR = re.compile(r"""(?:^|[\s,;&?{(]|--?)["']?([A-Za-z_][A-Za-z0-9_.\-]{0,63})["']?\s*[=:]\s*["']?([^\s,;&"'})]+)""")
_FLAG = re.compile(r"--?([A-Za-z][A-Za-z0-9_\-]{1,63})\s+([^\s-][^\s]*)")
_B64 = re.compile(r"[A-Za-z0-9+/=_-]{20,}")
_HEX = re.compile(r"\b[0-9a-fA-F]{20,}\b")

# Identifiers that look random but name things (AWS's ARN format: "Amazon Resource Names (ARNs)" in the IAM User
# Guide; ECR image references and OCI digests; real Pipelines job names such as
# pipelines-cfvy1tjuxdq8-abalonetrain-tavd6f3wdf and pipelines-p1gtwhjm9dzt-EvaluateCustomModel-XEdt5h2gQC).
_IDENTIFIER = re.compile(
    r"\barn:aws(?:-[a-z]+)*:[a-z0-9-]+:[a-z0-9-]*:(?:\d{12}|aws)?:[^\s\"'`,;]+"
    r"|\bs3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](?:/[^\s\"'`,;?#]*)?"
    r"|\b\d{12}\.dkr\.ecr(?:-fips)?\.[a-z0-9-]+\.amazonaws\.com(?:\.cn)?/[a-z0-9._/-]+(?::[A-Za-z0-9_.-]{1,128})?"
    r"|\b(?:sha256|sha384|sha512):[0-9a-fA-F]{32,128}\b"
    r"|\bpipelines-[a-z0-9]{12}-[A-Za-z0-9-]{1,51}\b"
)


def is_identifier(value: str) -> bool:
    """True when ``value`` is, as a whole, an ARN, an S3 URI, an ECR image reference (``@sha256:`` digest included),
    a ``sha256:`` digest or a Pipelines job name: something that names a resource, never a secret."""
    text = value.strip()
    return bool(text) and _IDENTIFIER.sub(" ", text).replace("@", " ").strip() == ""


def shannon_entropy(text: str) -> float:
    counts = Counter(text)
    return -sum(n / len(text) * math.log2(n / len(text)) for n in counts.values()) if text else 0.0


def _high_entropy(text: str) -> bool:
    """detect-secrets' limits: base64-charset strings over 4.5 bits per character, hex strings over 3.0."""
    for match in _HEX.finditer(text):
        if shannon_entropy(match.group()) > 3.0 and not match.group().isdigit():
            return True
    return any(shannon_entropy(match.group()) > 4.5 for match in _B64.finditer(text))


def secret_kinds(value: str) -> list[str]:
    """What kinds of secret ``value`` holds (empty when none): known token shapes, secret pairs, JSON, entropy.

    Identifiers (``is_identifier``) are left out of the pair and entropy checks, never out of the token shapes.
    """
    text = strip_invisible(unicodedata.normalize("NFKC", value))
    kinds = [kind for kind, pattern in _VALUE_PATTERNS if pattern.search(text)]
    rest = _IDENTIFIER.sub(" ", text)
    if any(is_secret_name(name) and secret != REDACTED for name, secret in _pairs(rest)):
        kinds.append("secret-pair")
    if text.lstrip()[:1] in "{[" and _json_has_secret(text):
        kinds.append("json-secret")
    if not kinds and _high_entropy(rest):
        kinds.append("high-entropy")
    return kinds


def _pairs(text: str) -> Iterator[tuple[str, str]]:
    for match in _PAIR.finditer(text):
        yield match.group(1), match.group(2)
    for match in _FLAG.finditer(text):
        yield match.group(1), match.group(2)


def _json_has_secret(text: str) -> bool:
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        return False
    stack = [data]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            for key, item in node.items():
                if is_secret_name(str(key)) and item not in (None, "", REDACTED):
                    return True
                stack.append(item)
        elif isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, str) and secret_kinds(node):
            return True
    return False


def is_secret(name: str, value: str) -> bool:
    """True when ``value``, stored under ``name``, should not be copied into a card.

    A value that is an identifier (an ARN, say) is kept under a secret-looking name (``kms_key_arn``), unless it
    holds a known token shape.
    """
    if not value or value == REDACTED:
        return False
    kinds = secret_kinds(value)
    return bool(kinds) or (is_secret_name(name) and not is_identifier(strip_invisible(value)))


def scrub(data: Any, path: str = "", exempt: frozenset[str] = frozenset()) -> tuple[Any, list[str]]:
    """A copy of ``data`` with every secret string replaced by ``REDACTED``, and the paths it replaced.

    A string is secret when it holds a secret value, or when it is the value of a key (or of a ``name``/``value``
    pair, as hyperparameters are) whose name looks secret. Values under an ``exempt`` key (the step's own
    hashes and notes) are kept.
    """
    found: list[str] = []

    def walk(node: Any, where: str, key: str) -> Any:
        if isinstance(node, dict):
            pair_name = node.get("name") if isinstance(node.get("name"), str) and "value" in node else None
            out = {}
            for k, item in node.items():
                if k in exempt:
                    out[k] = item
                    continue
                name = pair_name if k == "value" and pair_name is not None else str(k)
                out[k] = walk(item, f"{where}.{k}" if where else str(k), name)
            return out
        if isinstance(node, list):
            return [walk(item, f"{where}[{i}]", key) for i, item in enumerate(node)]
        if isinstance(node, str) and is_secret(key, node):
            found.append(where)
            return REDACTED
        return node

    return walk(data, path, ""), found


def redact_text(text: str) -> str:
    """``text`` (an error message or a log line) with every known token shape, and the value of every
    secret-named ``name=value`` pair or ``--name value`` flag, replaced by ``REDACTED`` (high-entropy words are
    not: a message is full of identifiers): the last guard before a message reaches a terminal
    or a log, whatever input or AWS answer it quotes. Text with nothing to redact is returned unchanged."""
    normalized = strip_invisible(unicodedata.normalize("NFKC", text))
    redacted = normalized
    for _, pattern in _VALUE_PATTERNS:
        redacted = pattern.sub(REDACTED, redacted)
    redacted = _FLAG.sub(_redact_pair, _PAIR.sub(_redact_pair, redacted))
    return text if redacted == normalized else redacted


def _redact_pair(match: re.Match[str]) -> str:
    if not is_secret_name(match.group(1)) or match.group(2) == REDACTED:
        return match.group()
    start, end = match.span(2)
    return match.group()[: start - match.start()] + REDACTED + match.group()[end - match.start() :]
