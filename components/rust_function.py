"""RustFunction: a `bootstrap` on Lambda (provided.al2023) with a function URL,
its own least-privilege role and its own log group."""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from typing import Mapping, Optional, Sequence

import pulumi
import pulumi_aws as aws

RUNTIME = "provided.al2023"
HANDLER = "bootstrap"
LAMBDA_TRUST_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"Service": "lambda.amazonaws.com"},
            "Action": "sts:AssumeRole",
        }
    ],
}


@dataclass
class DynamoDbAccess:
    """Exactly which DynamoDB actions the function's code calls, on one table and its index."""

    table_arn: pulumi.Input[str]
    index_arn: pulumi.Input[str]
    actions: Sequence[str]


@dataclass
class RustFunctionArgs:
    code: pulumi.Input[pulumi.Archive]
    """The zip holding `bootstrap` (RustBootstrap.archive)."""
    code_sha256: pulumi.Input[str]
    """Hex sha256 of that zip: Lambda updates only when it changes."""
    architecture: str = "arm64"
    memory_size: pulumi.Input[int] = 128
    timeout: pulumi.Input[int] = 10
    environment: Mapping[str, pulumi.Input[str]] = field(default_factory=dict)
    log_retention_days: pulumi.Input[int] = 14
    url_auth_type: str = "AWS_IAM"
    """AWS_IAM (default: signed requests only) or NONE (public)."""
    cors_allow_origins: Sequence[str] = ()
    """No CORS unless origins are given."""
    cors_allow_methods: Sequence[str] = ("GET",)
    reserved_concurrency: pulumi.Input[int] = -1
    """-1 leaves concurrency unreserved."""
    dynamodb: Optional[DynamoDbAccess] = None
    """None: the role gets no DynamoDB access at all."""
    function_name: Optional[str] = None
    """Defaults to `<project>-<stack>-<component name>`."""
    tags: Optional[Mapping[str, pulumi.Input[str]]] = None


def policy_document(log_group_arn: str, dynamodb_actions: Sequence[str] = (), dynamodb_resources: Sequence[str] = ()) -> dict:
    """The inline policy: write to its own log group; the DynamoDB actions it calls, if any."""
    statements = [
        {
            "Sid": "OwnLogGroup",
            "Effect": "Allow",
            "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
            "Resource": f"{log_group_arn}:log-stream:*",
        }
    ]
    if dynamodb_actions:
        statements.append(
            {
                "Sid": "BlogTable",
                "Effect": "Allow",
                "Action": sorted(dynamodb_actions),
                "Resource": list(dynamodb_resources),
            }
        )
    return {"Version": "2012-10-17", "Statement": statements}


def _base64_of_hex(digest: str) -> str:
    """Lambda's form of a sha256 (CodeSha256, source_code_hash): base64, not hex."""
    return base64.b64encode(bytes.fromhex(digest)).decode()


class RustFunction(pulumi.ComponentResource):
    function_name: pulumi.Output[str]
    function_arn: pulumi.Output[str]
    role_arn: pulumi.Output[str]
    url: pulumi.Output[str]
    log_group_name: pulumi.Output[str]

    def __init__(self, name: str, args: RustFunctionArgs, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__("graviton-blog:index:RustFunction", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        # Named up front so the log group exists, with its retention, before the
        # function first writes to it (else Lambda creates one that never expires).
        function_name = args.function_name or f"{pulumi.get_project()}-{pulumi.get_stack()}-{name}"

        log_group = aws.cloudwatch.LogGroup(
            f"{name}-logs",
            name=f"/aws/lambda/{function_name}",
            retention_in_days=args.log_retention_days,
            tags=args.tags,
            opts=child,
        )
        role = aws.iam.Role(
            f"{name}-role",
            assume_role_policy=pulumi.Output.json_dumps(LAMBDA_TRUST_POLICY),
            tags=args.tags,
            opts=child,
        )
        access = args.dynamodb
        document = pulumi.Output.all(
            log_group.arn, *([access.table_arn, access.index_arn] if access else [])
        ).apply(lambda arns: policy_document(arns[0], access.actions if access else (), arns[1:]))
        policy = aws.iam.RolePolicy(
            f"{name}-policy",
            role=role.id,
            policy=pulumi.Output.json_dumps(document),
            opts=child,
        )
        function = aws.lambda_.Function(
            f"{name}-function",
            name=function_name,
            role=role.arn,
            runtime=RUNTIME,
            handler=HANDLER,
            architectures=[args.architecture],
            code=args.code,
            source_code_hash=pulumi.Output.from_input(args.code_sha256).apply(_base64_of_hex),
            memory_size=args.memory_size,
            timeout=args.timeout,
            reserved_concurrent_executions=args.reserved_concurrency,
            environment=aws.lambda_.FunctionEnvironmentArgs(variables=dict(args.environment))
            if args.environment
            else None,
            logging_config=aws.lambda_.FunctionLoggingConfigArgs(log_format="JSON", log_group=log_group.name),
            tags=args.tags,
            opts=pulumi.ResourceOptions(parent=self, depends_on=[log_group, policy]),
        )
        cors = None
        if args.cors_allow_origins:
            cors = aws.lambda_.FunctionUrlCorsArgs(
                allow_origins=list(args.cors_allow_origins),
                allow_methods=list(args.cors_allow_methods),
                allow_headers=["content-type", "authorization"],
                max_age=300,
            )
        url = aws.lambda_.FunctionUrl(
            f"{name}-url",
            function_name=function.name,
            authorization_type=args.url_auth_type,
            cors=cors,
            opts=child,
        )
        if args.url_auth_type == "NONE":
            # A public URL needs both since October 2025; AWS_IAM needs neither
            # (callers bring their own IAM permission).
            aws.lambda_.Permission(
                f"{name}-public-url",
                action="lambda:InvokeFunctionUrl",
                function=function.name,
                principal="*",
                function_url_auth_type="NONE",
                opts=child,
            )
            aws.lambda_.Permission(
                f"{name}-public-invoke",
                action="lambda:InvokeFunction",
                function=function.name,
                principal="*",
                invoked_via_function_url=True,
                opts=child,
            )

        self.function_name = function.name
        self.function_arn = function.arn
        self.role_arn = role.arn
        self.url = url.function_url
        self.log_group_name = log_group.name
        self.register_outputs(
            {
                "function_name": self.function_name,
                "function_arn": self.function_arn,
                "role_arn": self.role_arn,
                "url": self.url,
                "log_group_name": self.log_group_name,
            }
        )
