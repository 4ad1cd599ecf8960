"""The Pulumi program under mocks: what each stack deploys, asserted exactly."""

import json

import pytest

from tests.pulumi_harness import ACCOUNT, REGION, Deployment, run_program

LAMBDA = "aws:lambda/function:Function"
URL = "aws:lambda/functionUrl:FunctionUrl"
PERMISSION = "aws:lambda/permission:Permission"
TABLE = "aws:dynamodb/table:Table"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"


@pytest.fixture(scope="module")
def dev() -> Deployment:
    return run_program(stack="dev")


@pytest.fixture(scope="module")
def prod() -> Deployment:
    return run_program(stack="prod")


@pytest.fixture(scope="module")
def bare() -> Deployment:
    """A stack with no stack file: Pulumi.yaml's defaults only."""
    return run_program(stack="bare")


def functions(d: Deployment) -> dict:
    return {r.name: r.inputs for r in d.of_type(LAMBDA)}


def test_functions_are_arm64_al2023_bootstrap_by_default(bare):
    fns = functions(bare)
    assert set(fns) == {"blog-api-function", "echo-function"}
    for fn in fns.values():
        assert fn["architectures"] == ["arm64"]
        assert fn["runtime"] == "provided.al2023"
        assert fn["handler"] == "bootstrap"
        assert fn["loggingConfig"]["logFormat"] == "JSON"
    images = {r.name: r.inputs["build"] for r in bare.of_type("docker:index/image:Image")}
    assert {name: b["platform"] for name, b in images.items()} == {
        "blog-api-image": "linux/arm64", "echo-image": "linux/arm64"}
    assert {name: b["args"] for name, b in images.items()} == {
        "blog-api-image": {"BIN": "blog-api"}, "echo-image": {"BIN": "echo"}}


def test_x86_64_when_configured_builds_and_deploys_amd64():
    d = run_program(stack="bare", config={"graviton-blog:architecture": "x86_64"})
    assert {fn["architectures"][0] for fn in functions(d).values()} == {"x86_64"}
    assert {r.inputs["build"]["platform"] for r in d.of_type("docker:index/image:Image")} == {"linux/amd64"}
    assert d.outputs["architecture"] == "x86_64"


def test_blog_function_gets_table_environment_and_echo_none(dev):
    fns = functions(dev)
    table_name = dev.of_type(TABLE)[0].state["name"]
    assert fns["blog-api-function"]["environment"] == {"variables": {"TABLE_NAME": table_name, "INDEX_NAME": "GSI1"}}
    assert "environment" not in fns["echo-function"]


def test_lambda_code_hash_is_the_zip_sha256(dev):
    import base64

    zips = {r.name: json.loads(r.state["stdout"]) for r in dev.of_type("command:local:Command")}
    for name in ("blog-api", "echo"):
        expected = base64.b64encode(bytes.fromhex(zips[f"{name}-zip"]["sha256"])).decode()
        assert functions(dev)[f"{name}-function"]["sourceCodeHash"] == expected


def test_zip_is_extracted_when_the_image_changes_or_the_zip_is_missing(tmp_path):
    from components.build_spec import PROJECT_ROOT

    stack = "unit-zip-presence"
    present = PROJECT_ROOT / "build" / stack / "blog-api-arm64.zip"
    present.parent.mkdir(parents=True, exist_ok=True)
    present.write_bytes(b"zip")
    try:
        d = run_program(stack=stack)
    finally:
        present.unlink()
        present.parent.rmdir()
    triggers = {}
    for cmd in d.of_type("command:local:Command"):
        image = d.named(cmd.name.replace("-zip", "-image"))
        assert cmd.inputs["triggers"][0] == image.state["repoDigest"]
        assert f"-m components.artifact {image.state['repoDigest']} --binary " in cmd.inputs["create"]
        triggers[cmd.name] = cmd.inputs["triggers"][1]
    assert triggers["blog-api-zip"] == "zip present"
    assert triggers["echo-zip"].startswith("zip missing at ")


def test_table_keys_gsi_and_on_demand_billing(dev):
    (table,) = dev.of_type(TABLE)
    t = table.inputs
    assert (t["hashKey"], t["rangeKey"]) == ("PK", "SK")
    assert sorted((a["name"], a["type"]) for a in t["attributes"]) == [("PK", "S"), ("SK", "S"), ("SRT", "S")]
    (gsi,) = t["globalSecondaryIndexes"]
    assert gsi["name"] == "GSI1"
    assert [(k["attributeName"], k["keyType"]) for k in gsi["keySchemas"]] == [("SK", "HASH"), ("SRT", "RANGE")]
    assert gsi["projectionType"] == "ALL"
    assert t["billingMode"] == "PAY_PER_REQUEST"


@pytest.mark.parametrize("stack,protected", [("dev", False), ("prod", True), ("bare", True)])
def test_deletion_protection_and_pitr_per_stack(stack, protected):
    (table,) = run_program(stack=stack).of_type(TABLE)
    assert table.inputs["deletionProtectionEnabled"] is protected
    assert table.inputs["pointInTimeRecovery"] == {"enabled": protected}


def test_dev_url_is_public_with_exactly_both_permissions(dev):
    urls = {r.name: r.inputs for r in dev.of_type(URL)}
    assert {u["authorizationType"] for u in urls.values()} == {"NONE"}
    perms = sorted(
        (p.inputs["function"], p.inputs["action"], p.inputs["principal"],
         p.inputs.get("functionUrlAuthType"), p.inputs.get("invokedViaFunctionUrl"))
        for p in dev.of_type(PERMISSION)
    )
    assert perms == [
        ("graviton-blog-dev-blog-api", "lambda:InvokeFunction", "*", None, True),
        ("graviton-blog-dev-blog-api", "lambda:InvokeFunctionUrl", "*", "NONE", None),
        ("graviton-blog-dev-echo", "lambda:InvokeFunction", "*", None, True),
        ("graviton-blog-dev-echo", "lambda:InvokeFunctionUrl", "*", "NONE", None),
    ]


def test_prod_function_url_requires_iam_auth_and_grants_nothing(prod):
    assert {u.inputs["authorizationType"] for u in prod.of_type(URL)} == {"AWS_IAM"}
    assert prod.of_type(PERMISSION) == []


def test_cors_is_off_unless_origins_are_configured(dev, prod, bare):
    for d in (dev, prod, bare):
        assert all("cors" not in u.inputs for u in d.of_type(URL))
    d = run_program(stack="dev", config={"graviton-blog:corsAllowOrigins": '["https://blog.example.com"]'})
    cors = {u.name: u.inputs["cors"] for u in d.of_type(URL)}
    assert {c["allowOrigins"][0] for c in cors.values()} == {"https://blog.example.com"}
    assert all("*" not in c["allowOrigins"] for c in cors.values())
    assert cors["blog-api-url"]["allowMethods"] == ["GET"]


def test_dev_and_prod_settings(dev, prod):
    assert {f["reservedConcurrentExecutions"] for f in functions(dev).values()} == {5}
    assert {f["reservedConcurrentExecutions"] for f in functions(prod).values()} == {-1}
    retention = lambda d: {r.inputs["retentionInDays"] for r in d.of_type("aws:cloudwatch/logGroup:LogGroup")}
    assert (retention(dev), retention(prod)) == ({3}, {365})


def test_log_groups_are_the_functions_own(dev):
    groups = {r.name: r.inputs["name"] for r in dev.of_type("aws:cloudwatch/logGroup:LogGroup")}
    fns = functions(dev)
    for name in ("blog-api", "echo"):
        assert groups[f"{name}-logs"] == f"/aws/lambda/{fns[f'{name}-function']['name']}"
        assert fns[f"{name}-function"]["loggingConfig"]["logGroup"] == groups[f"{name}-logs"]


def test_every_output_of_the_contract(dev):
    urls = {r.name: r.state["functionUrl"] for r in dev.of_type(URL)}
    (table,) = dev.of_type(TABLE)
    zips = {r.name: json.loads(r.state["stdout"]) for r in dev.of_type("command:local:Command")}
    assert dev.outputs == {
        "api_url": urls["blog-api-url"],
        "echo_url": urls["echo-url"],
        "function_name": "graviton-blog-dev-blog-api",
        "function_arn": f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:graviton-blog-dev-blog-api",
        "role_arn": dev.named("blog-api-role").state["arn"],
        "table_name": table.state["name"],
        "table_arn": f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{table.state['name']}",
        "index_name": "GSI1",
        "region": REGION,
        "architecture": "arm64",
        "bootstrap_sha256": zips["blog-api-zip"]["sha256"],
    }
