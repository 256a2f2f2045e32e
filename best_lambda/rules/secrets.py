"""Recognising secrets in environment variables.

Used by ``BestLambda-NoSecretsInEnv`` on templates and by the constructs on their
``environment=`` argument, so both say the same thing. Three judgements:

* :func:`secret_reason` — a literal string that looks like a secret (by its name or its
  value), or a CloudFormation dynamic reference to a secret
  (``{{resolve:secretsmanager:…}}``, ``{{resolve:ssm-secure:…}}``): CloudFormation resolves
  those at deploy time and Lambda stores the *plaintext* in the function's configuration,
  readable with ``lambda:GetFunctionConfiguration``. Plain ``{{resolve:ssm:…}}`` (a
  String parameter), ARNs, parameter paths, URLs without credentials and references
  (``Ref``, ``Fn::GetAtt``, imports) are pointers, not secrets.
* :func:`secret_parameter_reason` — a secret-named variable set from a ``NoEcho`` template
  parameter: NoEcho hides the value in CloudFormation, but the function's configuration
  shows it in clear.
* :func:`is_secret_name` — whether a variable's name says it holds a secret.

Messages never repeat the secret value.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Mapping
from typing import Any

from best_lambda.rules.template import literal_text

__all__ = ["is_secret_name", "secret_parameter_reason", "secret_reason"]

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
#: CloudFormation dynamic references that resolve to a secret's plaintext.
_DYNAMIC_SECRET = re.compile(r"\{\{resolve:(secretsmanager|ssm-secure):")
_DYNAMIC_SERVICES = {
    "secretsmanager": "a Secrets Manager secret",
    "ssm-secure": "an SSM SecureString parameter",
}
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


def is_secret_name(name: str) -> bool:
    """Whether a variable's name says it holds a secret (``DB_PASSWORD``, not ``…_ARN``).

    Examples
    --------
    >>> is_secret_name("DB_PASSWORD"), is_secret_name("DB_PASSWORD_SECRET_ARN")
    (True, False)
    """
    upper = name.upper().replace("-", "_")
    return bool(_SECRET_WORDS.search(upper)) and not upper.endswith(_POINTER_SUFFIXES)


def _dynamic_secret(value: Any) -> str | None:
    text = literal_text(value)
    match = _DYNAMIC_SECRET.search(text) if text else None
    if match is None:
        return None
    service = match.group(1)
    return (
        f"its value is a dynamic reference to {_DYNAMIC_SERVICES[service]} "
        f"({{{{resolve:{service}:...}}}}), which CloudFormation resolves at deployment into "
        "the plaintext secret, stored in the function's configuration"
    )


def secret_reason(name: str, value: object) -> str | None:
    """Why the environment variable ``name=value`` exposes a secret, or ``None``.

    ``value`` is a string as written (a construct's argument, a template literal) or a
    CloudFormation value (``Fn::Sub`` / ``Fn::Join`` are read for dynamic references;
    other intrinsics are pointers and are not judged).

    Examples
    --------
    >>> secret_reason("DB_PASSWORD", "hunter2hunter2")
    'its name (DB_PASSWORD) says it holds a secret and its value is a literal'
    >>> secret_reason("DB_PASSWORD_SECRET_ARN", "arn:aws:secretsmanager:eu-west-1:1:secret:db")
    >>> secret_reason("DB_HOST", "{{resolve:ssm:/prod/db/host}}")
    >>> secret_reason("DB", "{{resolve:secretsmanager:db:SecretString:password}}")[:54]
    'its value is a dynamic reference to a Secrets Manager '
    >>> secret_reason("TABLE_NAME", "AKIAIOSFODNN7EXAMPLE")
    'its value looks like an AWS access key ID'
    """
    dynamic = _dynamic_secret(value)
    if dynamic is not None:
        return dynamic
    if not isinstance(value, str):
        return None
    text = value.strip()
    for label, pattern in _VALUE_PATTERNS:
        if pattern.search(text):
            return f"its value looks like {label}"
    if _REFERENCE_VALUE.match(text):
        return None
    if is_secret_name(name) and text.lower() not in _NON_SECRET_LITERALS and not text.isdigit():
        return f"its name ({name}) says it holds a secret and its value is a literal"
    if _high_entropy(text):
        return "its value is a long, random-looking string (high entropy)"
    return None


def secret_parameter_reason(name: str, parameter_name: str, parameter: object) -> str | None:
    """Why setting ``name`` from the template parameter ``parameter_name`` exposes a secret.

    A ``NoEcho`` parameter is a secret by its author's own account; CloudFormation masks it,
    but as an environment variable its value is stored in clear in the function's
    configuration. Judged when the variable's or the parameter's name says it holds a
    secret.

    Examples
    --------
    >>> no_echo = {"Type": "String", "NoEcho": True}
    >>> secret_parameter_reason("DB_PASSWORD", "DbPassword", no_echo)[:44]
    'its value is the NoEcho parameter DbPassword'
    >>> secret_parameter_reason("DB_PASSWORD", "DbPassword", {"Type": "String"})
    """
    if not isinstance(parameter, Mapping):
        return None
    no_echo = parameter.get("NoEcho")
    if not (no_echo is True or (isinstance(no_echo, str) and no_echo.lower() == "true")):
        return None
    if not (is_secret_name(name) or is_secret_name(_snake(parameter_name))):
        return None
    return (
        f"its value is the NoEcho parameter {parameter_name}, which the function's "
        "configuration shows in clear"
    )


def _snake(name: str) -> str:
    """``DbPassword`` -> ``DB_PASSWORD``, for names of template parameters."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).upper()
