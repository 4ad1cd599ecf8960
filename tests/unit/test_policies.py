"""IAM: the trust policy, least-privilege inline policies, and parliament's lint."""

import json

import parliament
import pytest

from tests.pulumi_harness import ACCOUNT, REGION, run_program

TABLE = "aws:dynamodb/table:Table"


@pytest.fixture(scope="module")
def dev():
    return run_program(stack="dev")


def policy(d, name):
    return json.loads(d.named(f"{name}-policy").inputs["policy"])


def statements_by_sid(doc):
    return {s["Sid"]: s for s in doc["Statement"]}


def test_roles_trust_only_lambda(dev):
    for role in dev.of_type("aws:iam/role:Role"):
        doc = json.loads(role.inputs["assumeRolePolicy"])
        assert doc["Statement"] == [
            {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
        ]


def test_blog_policy_has_exactly_query_on_table_and_index(dev):
    table_arn = dev.of_type(TABLE)[0].state["arn"]
    statements = statements_by_sid(policy(dev, "blog-api"))
    assert set(statements) == {"OwnLogGroup", "BlogTable"}
    assert statements["BlogTable"]["Effect"] == "Allow"
    assert set(statements["BlogTable"]["Action"]) == {"dynamodb:Query"}
    assert set(statements["BlogTable"]["Resource"]) == {table_arn, f"{table_arn}/index/GSI1"}


def test_logs_only_on_the_functions_own_log_group(dev):
    for name in ("blog-api", "echo"):
        logs = statements_by_sid(policy(dev, name))["OwnLogGroup"]
        assert set(logs["Action"]) == {"logs:CreateLogStream", "logs:PutLogEvents"}
        group = f"/aws/lambda/graviton-blog-dev-{name}"
        assert logs["Resource"] == f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:{group}:log-stream:*"


def test_echo_role_has_no_dynamodb_access(dev):
    doc = policy(dev, "echo")
    actions = [a for s in doc["Statement"] for a in s["Action"]]
    assert not any(a.startswith("dynamodb:") for a in actions)
    assert list(statements_by_sid(doc)) == ["OwnLogGroup"]


def test_no_policy_allows_wildcards(dev):
    for name in ("blog-api", "echo"):
        for s in policy(dev, name)["Statement"]:
            assert all("*" not in a for a in s["Action"])
            resources = s["Resource"] if isinstance(s["Resource"], list) else [s["Resource"]]
            assert all(r != "*" for r in resources)


# Parliament lints every document as an identity policy; a role trust policy has
# no Resource element by definition, so that one finding is expected there only.
TRUST_POLICY_HAS_NO_RESOURCE = ("MALFORMED", "Statement contains neither Resource nor NotResource")


def lint(doc):
    return [(f.issue, f.detail) for f in parliament.analyze_policy_string(json.dumps(doc)).findings]


def test_parliament_finds_nothing_in_any_policy(dev):
    inline = [json.loads(r.inputs["policy"]) for r in dev.of_type("aws:iam/rolePolicy:RolePolicy")]
    trust = [json.loads(r.inputs["assumeRolePolicy"]) for r in dev.of_type("aws:iam/role:Role")]
    assert (len(inline), len(trust)) == (2, 2)
    for doc in inline:
        assert lint(doc) == [], json.dumps(doc)
    for doc in trust:
        assert lint(doc) == [TRUST_POLICY_HAS_NO_RESOURCE], json.dumps(doc)


def test_parliament_bites_on_a_wildcard_policy():
    wide = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "dynamodb:*", "Resource": "*"}]}
    assert lint(wide) != []
