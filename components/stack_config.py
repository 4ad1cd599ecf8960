"""Stack config: parsed and checked before any resource is declared.

Defaults live in Pulumi.yaml only; this module reads them from there, so the CLI
(which applies them) and the unit tests (which do not) see the same values.
A bad value stops the program with a message naming the key, the value and what
is allowed; all bad values are reported at once.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Callable, Mapping, Optional
from urllib.parse import urlsplit

import yaml

from .build_spec import ARCHITECTURES, PROJECT_ROOT

PROJECT = "graviton-blog"
URL_AUTH_TYPES = ("NONE", "AWS_IAM")
# CloudWatch Logs accepts only these retention periods (0: never expire).
RETENTION_DAYS = (0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731,
                  1096, 1827, 2192, 2557, 2922, 3288, 3653)
# The DynamoDB client gives up after 5 s (rust/blog-api/src/store.rs), so the
# function needs at least 6 s to answer 503 instead of timing out.
MIN_TIMEOUT = 6


class ConfigError(Exception):
    """One or more invalid stack config values; the message names each."""


@dataclass(frozen=True)
class StackConfig:
    architecture: str
    memory_size: int
    timeout: int
    log_retention_days: int
    url_auth_type: str
    cors_allow_origins: tuple[str, ...]
    reserved_concurrency: int
    table_deletion_protection: bool
    point_in_time_recovery: bool


def project_defaults() -> dict[str, object]:
    """Each key's default from Pulumi.yaml's config schema."""
    with open(PROJECT_ROOT / "Pulumi.yaml", encoding="utf-8") as f:
        schema = yaml.safe_load(f)["config"]
    return {key: spec["default"] for key, spec in schema.items() if isinstance(spec, dict)}


def _integer(raw: object) -> Optional[int]:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw
    try:
        return int(str(raw).strip())
    except ValueError:
        return None


def _boolean(raw: object) -> Optional[bool]:
    if isinstance(raw, bool):
        return raw
    return {"true": True, "false": False}.get(str(raw).strip().lower())


def _origins(raw: object) -> Optional[tuple[str, ...]]:
    value = raw
    if isinstance(raw, str):
        try:
            value = json.loads(raw)
        except ValueError:
            return None
    if not isinstance(value, list) or not all(isinstance(o, str) for o in value):
        return None
    for origin in value:
        if origin == "*":
            continue
        parts = urlsplit(origin)
        if parts.scheme not in ("http", "https") or not parts.netloc or parts.path not in ("", "/"):
            return None
    return tuple(value)


# key -> (parse to a value or None, check of the parsed value, what is allowed)
_RULES: dict[str, tuple[Callable[[object], object], Callable[[object], bool], str]] = {
    "architecture": (str, lambda v: v in ARCHITECTURES, "arm64 or x86_64"),
    "memorySize": (_integer, lambda v: 128 <= v <= 10240, "an integer from 128 to 10240 (MB)"),
    "timeout": (_integer, lambda v: MIN_TIMEOUT <= v <= 900,
                f"an integer from {MIN_TIMEOUT} to 900 (seconds); below {MIN_TIMEOUT} the "
                "function cannot answer 503 before Lambda times it out"),
    "logRetentionDays": (_integer, lambda v: v in RETENTION_DAYS,
                         "one of CloudWatch's retention periods: "
                         + ", ".join(map(str, RETENTION_DAYS)) + " (0 keeps logs forever)"),
    "urlAuthType": (str, lambda v: v in URL_AUTH_TYPES, "NONE or AWS_IAM"),
    "corsAllowOrigins": (_origins, lambda v: True,
                         'a JSON list of origins such as ["https://example.com"], or ["*"]'),
    "reservedConcurrency": (_integer, lambda v: v == -1 or v >= 1,
                            "-1 (unreserved) or a positive integer"),
    "tableDeletionProtection": (_boolean, lambda v: True, "true or false"),
    "pointInTimeRecovery": (_boolean, lambda v: True, "true or false"),
}


def parse_stack_config(values: Mapping[str, object]) -> StackConfig:
    """Checks `values` (as the CLI gives them: strings, or native for defaults)."""
    merged = {**project_defaults(), **{k: v for k, v in values.items() if v is not None}}
    parsed: dict[str, object] = {}
    problems = []
    for key, (parse, check, allowed) in _RULES.items():
        raw = merged.get(key)
        value = parse(raw) if raw is not None else None
        if value is None or not check(value):
            problems.append(f"  {PROJECT}:{key} = {raw!r} is invalid: allowed is {allowed}")
        else:
            parsed[key] = value
    if problems:
        raise ConfigError("invalid stack config:\n" + "\n".join(problems))
    return StackConfig(
        architecture=parsed["architecture"],
        memory_size=parsed["memorySize"],
        timeout=parsed["timeout"],
        log_retention_days=parsed["logRetentionDays"],
        url_auth_type=parsed["urlAuthType"],
        cors_allow_origins=parsed["corsAllowOrigins"],
        reserved_concurrency=parsed["reservedConcurrency"],
        table_deletion_protection=parsed["tableDeletionProtection"],
        point_in_time_recovery=parsed["pointInTimeRecovery"],
    )


def load_stack_config() -> StackConfig:
    """Reads this stack's config; a bad value fails the preview with RunError."""
    import pulumi

    config = pulumi.Config()
    try:
        return parse_stack_config({key: config.get(key) for key in _RULES})
    except ConfigError as err:
        raise pulumi.RunError(str(err)) from None
