"""Stack config: defaults from Pulumi.yaml, and every bad value named in the error."""

import pulumi
import pytest

from components.stack_config import ConfigError, StackConfig, parse_stack_config, project_defaults
from tests.pulumi_harness import run_program

DESIGN_KEYS = {
    "architecture", "memorySize", "timeout", "logRetentionDays", "urlAuthType",
    "corsAllowOrigins", "reservedConcurrency", "tableDeletionProtection", "pointInTimeRecovery",
}


def test_every_design_key_has_a_default_in_pulumi_yaml():
    assert set(project_defaults()) == DESIGN_KEYS


def test_defaults_are_the_safe_choices():
    assert parse_stack_config({}) == StackConfig(
        architecture="arm64",
        memory_size=128,
        timeout=10,
        log_retention_days=14,
        url_auth_type="AWS_IAM",
        cors_allow_origins=(),
        reserved_concurrency=-1,
        table_deletion_protection=True,
        point_in_time_recovery=True,
    )


def test_values_arrive_as_cli_strings():
    parsed = parse_stack_config({
        "architecture": "x86_64", "memorySize": "1024", "timeout": "30", "logRetentionDays": "0",
        "urlAuthType": "NONE", "corsAllowOrigins": '["https://blog.example.com", "http://localhost:3000"]',
        "reservedConcurrency": "10", "tableDeletionProtection": "false", "pointInTimeRecovery": "False",
    })
    assert parsed.architecture == "x86_64"
    assert (parsed.memory_size, parsed.timeout, parsed.log_retention_days) == (1024, 30, 0)
    assert parsed.cors_allow_origins == ("https://blog.example.com", "http://localhost:3000")
    assert (parsed.table_deletion_protection, parsed.point_in_time_recovery) == (False, False)


BAD_VALUES = [
    ("architecture", "arm", "arm64 or x86_64"),
    ("architecture", "aarch64", "arm64 or x86_64"),
    ("memorySize", "64", "128 to 10240"),
    ("memorySize", "10241", "128 to 10240"),
    ("memorySize", "lots", "128 to 10240"),
    ("timeout", "0", "to 900"),
    ("timeout", "901", "to 900"),
    ("timeout", "3", "cannot answer 503"),
    ("logRetentionDays", "-1", "retention periods"),
    ("logRetentionDays", "2", "retention periods"),
    ("urlAuthType", "none", "NONE or AWS_IAM"),
    ("urlAuthType", "IAM", "NONE or AWS_IAM"),
    ("corsAllowOrigins", "https://example.com", "JSON list of origins"),
    ("corsAllowOrigins", '{"origin": "https://example.com"}', "JSON list of origins"),
    ("corsAllowOrigins", '["example.com"]', "JSON list of origins"),
    ("corsAllowOrigins", "[1, 2]", "JSON list of origins"),
    ("reservedConcurrency", "0", "-1 (unreserved) or a positive integer"),
    ("reservedConcurrency", "-5", "-1 (unreserved) or a positive integer"),
    ("tableDeletionProtection", "yes", "true or false"),
    ("pointInTimeRecovery", "1", "true or false"),
]


@pytest.mark.parametrize("key,value,allowed", BAD_VALUES)
def test_bad_value_names_key_value_and_what_is_allowed(key, value, allowed):
    with pytest.raises(ConfigError) as caught:
        parse_stack_config({key: value})
    message = str(caught.value)
    assert f"graviton-blog:{key} = {value!r}" in message
    assert allowed in message
    assert message.count(" is invalid") == 1


def test_all_bad_values_are_reported_at_once():
    with pytest.raises(ConfigError) as caught:
        parse_stack_config({"architecture": "sparc", "memorySize": "1", "urlAuthType": "OPEN"})
    message = str(caught.value)
    for key in ("architecture", "memorySize", "urlAuthType"):
        assert f"graviton-blog:{key}" in message


def test_bad_config_stops_the_program_before_any_resource():
    with pytest.raises(pulumi.RunError, match=r"graviton-blog:memorySize = '99999'.*128 to 10240"):
        run_program(stack="dev", config={"graviton-blog:memorySize": "99999"})
