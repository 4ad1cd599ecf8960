"""Runs a Pulumi program under mocks, without the CLI or any provider plugin.

Mocks answer like AWS would (real-looking ids and ARNs), record every resource
with its resolved inputs, and the program's exports are resolved and returned.
"""

from __future__ import annotations

import hashlib
import json
import runpy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

import pulumi
import yaml
from pulumi.runtime import settings as pulumi_settings

ROOT = Path(__file__).resolve().parent.parent
ACCOUNT = "123456789012"
REGION = "us-east-1"


def fake_digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass
class Resource:
    type: str
    name: str
    inputs: dict
    state: dict


class AwsLikeMocks(pulumi.runtime.Mocks):
    def __init__(self, stack_outputs: Optional[dict] = None):
        self.resources: list[Resource] = []
        self.stack_outputs = stack_outputs or {}

    def new_resource(self, args: pulumi.runtime.MockResourceArgs):
        inputs = dict(args.inputs)
        state = dict(inputs)
        physical = inputs.get("name") or f"{args.name}-{fake_digest(args.name)[:7]}"
        typ = args.typ
        if typ == "aws:dynamodb/table:Table":
            state.update(name=physical, arn=f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{physical}")
        elif typ == "aws:iam/role:Role":
            state.update(name=physical, arn=f"arn:aws:iam::{ACCOUNT}:role/{physical}")
            physical = state["name"]
        elif typ == "aws:iam/policy:Policy":
            state["arn"] = f"arn:aws:iam::{ACCOUNT}:policy/{physical}"
        elif typ == "aws:iam/rolePolicy:RolePolicy":
            physical = f"{inputs['role']}:{physical}"
        elif typ == "aws:cloudwatch/logGroup:LogGroup":
            state["arn"] = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:{physical}"
        elif typ == "aws:lambda/function:Function":
            state.update(arn=f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{physical}")
        elif typ == "aws:lambda/functionUrl:FunctionUrl":
            url_id = fake_digest(inputs["functionName"])[:32]
            state["functionUrl"] = f"https://{url_id}.lambda-url.{REGION}.on.aws/"
        elif typ == "docker:index/image:Image":
            state["repoDigest"] = "sha256:" + fake_digest(args.name)
        elif typ == "command:local:Command":
            state["stdout"] = json.dumps(
                {"zip": f"build/test/{args.name}.zip", "sha256": fake_digest(args.name), "size": 1234,
                 "bootstrap_sha256": fake_digest("bin" + args.name), "glibc": "2.34"}
            )
        elif typ == "pulumi:pulumi:StackReference":
            state["outputs"] = self.stack_outputs
        self.resources.append(Resource(typ, args.name, inputs, state))
        return [physical, state]

    def call(self, args: pulumi.runtime.MockCallArgs):
        if args.token == "aws:index/getRegion:getRegion":
            return {"region": REGION, "name": REGION, "id": REGION}
        raise NotImplementedError(args.token)


@dataclass
class Deployment:
    resources: list[Resource]
    outputs: dict = field(default_factory=dict)

    def of_type(self, typ: str) -> list[Resource]:
        return [r for r in self.resources if r.type == typ]

    def named(self, name: str) -> Resource:
        (match,) = [r for r in self.resources if r.name == name]
        return match


def stack_file_config(project_dir: Path, stack: str) -> dict[str, str]:
    """The config a stack file sets, as `pulumi config` would hand it to the program."""
    path = project_dir / f"Pulumi.{stack}.yaml"
    if not path.exists():
        return {}
    values = (yaml.safe_load(path.read_text()) or {}).get("config", {})
    return {k: v if isinstance(v, str) else json.dumps(v) for k, v in values.items()}


def run_program(
    program: Path = ROOT / "__main__.py",
    stack: str = "dev",
    config: Optional[dict[str, str]] = None,
    project: str = "graviton-blog",
    mocks: Optional[AwsLikeMocks] = None,
) -> Deployment:
    """Runs `program` for `stack` (its stack file, then `config` on top) and
    returns its resources and resolved exports."""
    mocks = mocks or AwsLikeMocks()
    values = {**stack_file_config(program.parent, stack), **(config or {})}
    pulumi.runtime.set_all_config(values, [])
    pulumi_settings.set_root_resource(None)  # a fresh Stack for each run
    pulumi.runtime.set_mocks(mocks, project=project, stack=stack, preview=False)
    deployment = Deployment(mocks.resources)

    @pulumi.runtime.test
    def run():
        runpy.run_path(str(program), run_name="__main__")
        outputs = pulumi.runtime.get_root_resource().outputs
        return pulumi.Output.all(**outputs).apply(deployment.outputs.update)

    run()
    return deployment
