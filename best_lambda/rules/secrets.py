"""Recognising literal secrets in environment variables.

Used by ``BestLambda-NoSecretsInEnv`` on templates and by the constructs on their
``environment=`` argument, so both say the same thing. A value is judged only when it is a
literal string: references (``Ref``, ``Fn::GetAtt``, imports), CloudFormation dynamic
references (``{{resolve:…}}``), ARNs, parameter paths and URLs without credentials are
pointers to secrets, not secrets.

Messages never repeat the secret value.
"""

from __future__ import annotations

import math
import re
from collections import Counter

__all__ = ["secret_reason"]

#: Words in a variable name that say "this holds a secret".
_SECRET_WORDS = re.compile(
    r"(?:^|_)(PASSWORD|PASSWD|PWD|SECRET|SECRETS|TOKEN|APIKEY|API_KEY|PRIVATE_KEY|PRIVATEKEY"
    r"|ACCESS_KEY|SECRET_KEY|CLIENT_SECRET|CREDENTIAL|CREDENTIALS|AUTH_TOKEN|SIGNING_KEY"
    r"|ENCRYPTION_KEY|WEBHOOK_SECRET|CONNECTION_STRING|DSN)(?:_|$)"
)
#: Name endings that say "this holds the name / location of a secret, not the secret".
_POINTER_SUFFIXES = (
    "_ARN",
    "_NAME",
    "_ID",
    "_PATH",
    "_PARAM",
    "_PARAMETER",
    "_PARAMETER_NAME",
    "_HEADER",
    "_TTL",
    "_EXPIRY",
    "_EXPIRES",
    "_URL",
    "_URI",
    "_ENDPOINT",
    "_TABLE",
    "_BUCKET",
    "_QUEUE",
    "_TYPE",
    "_FIELD",
    "_LENGTH",
    "_ENABLED",
    "_REGION",
    "_VERSION",
    "_KEY_ID",
    "_STAGE",
)
_REFERENCE_VALUE = re.compile(
    r"^(?:\{\{resolve:|arn:aws[a-z-]*:|/[A-Za-z0-9_.\-/]+$|https?://[^/@\s]+(?:/|$)|\$\{)"
)
_NON_SECRET_LITERALS = frozenset(
    {
        "",
        "true",
        "false",
        "yes",
        "no",
        "none",
        "null",
        "enabled",
        "disabled",
        "on",
        "off",
        "changeme",
        "placeholder",
        "dummy",
        "test",
        "example",
    }
)
_VALUE_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("an AWS access key ID", re.compile(r"\b(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}\b")),
    ("a private key block", re.compile(r"-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----")),
    ("a URL with an embedded password", re.compile(r"[a-z][a-z0-9+.-]*://[^/\s:@]+:[^/\s@]+@")),
    (
        "a GitHub token",
        re.compile(r"\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{40,})"),
    ),
    ("a Slack token", re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{10,}")),
    ("a Stripe live key", re.compile(r"\b(?:sk|rk)_live_[A-Za-z0-9]{16,}")),
    (
        "a JSON Web Token",
        re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]+"),
    ),
)
_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_BASE64ISH = re.compile(r"^[A-Za-z0-9+/=_\-]{32,}$")


def _entropy(value: str) -> float:
    counts = Counter(value)
    return -sum(n / len(value) * math.log2(n / len(value)) for n in counts.values())


def _high_entropy(value: str) -> bool:
    if not _BASE64ISH.match(value) or _UUID.match(value):
        return False
    classes = sum(bool(re.search(p, value)) for p in (r"[a-z]", r"[A-Z]", r"[0-9]"))
    return classes == 3 and _entropy(value) >= 4.2


def secret_reason(name: str, value: object) -> str | None:
    """Why the environment variable ``name=value`` looks like a literal secret, or ``None``.

    Examples
    --------
    >>> secret_reason("DB_PASSWORD", "hunter2hunter2")
    'its name (DB_PASSWORD) says it holds a secret and its value is a literal'
    >>> secret_reason("DB_PASSWORD_SECRET_ARN", "arn:aws:secretsmanager:eu-west-1:1:secret:db")
    >>> secret_reason("DB_PASSWORD", "{{resolve:secretsmanager:db:SecretString:password}}")
    >>> secret_reason("TABLE_NAME", "AKIAIOSFODNN7EXAMPLE")
    'its value looks like an AWS access key ID'
    """
    if not isinstance(value, str):
        return None
    text = value.strip()
    for label, pattern in _VALUE_PATTERNS:
        if pattern.search(text):
            return f"its value looks like {label}"
    if _REFERENCE_VALUE.match(text):
        return None
    upper = name.upper().replace("-", "_")
    if (
        _SECRET_WORDS.search(upper)
        and not upper.endswith(_POINTER_SUFFIXES)
        and text.lower() not in _NON_SECRET_LITERALS
        and not text.isdigit()
    ):
        return f"its name ({name}) says it holds a secret and its value is a literal"
    if _high_entropy(text):
        return "its value is a long, random-looking string (high entropy)"
    return None
