"""graviton-blog: reads the stack config, wires the components, exports the outputs contract."""

import pulumi
import pulumi_aws as aws

from components import (
    BlogTable,
    BlogTableArgs,
    DynamoDbAccess,
    RustBootstrap,
    RustBootstrapArgs,
    RustFunction,
    RustFunctionArgs,
)
from components.stack_config import load_stack_config

config = load_stack_config()

table = BlogTable(
    "blog",
    BlogTableArgs(
        deletion_protection=config.table_deletion_protection,
        point_in_time_recovery=config.point_in_time_recovery,
    ),
)


def deploy(binary: str, **function_args) -> tuple[RustBootstrap, RustFunction]:
    bootstrap = RustBootstrap(binary, RustBootstrapArgs(binary=binary, architecture=config.architecture))
    function = RustFunction(
        binary,
        RustFunctionArgs(
            code=bootstrap.archive,
            code_sha256=bootstrap.sha256,
            architecture=config.architecture,
            memory_size=config.memory_size,
            timeout=config.timeout,
            log_retention_days=config.log_retention_days,
            url_auth_type=config.url_auth_type,
            cors_allow_origins=config.cors_allow_origins,
            reserved_concurrency=config.reserved_concurrency,
            **function_args,
        ),
    )
    return bootstrap, function


blog_bootstrap, blog = deploy(
    "blog-api",
    environment={"TABLE_NAME": table.name, "INDEX_NAME": table.index_name},
    # The blog API calls Query on GSI1, and nothing else.
    dynamodb=DynamoDbAccess(table_arn=table.arn, index_arn=table.index_arn, actions=["dynamodb:Query"]),
)
_, echo = deploy("echo", cors_allow_methods=["*"])

pulumi.export("api_url", blog.url)
pulumi.export("echo_url", echo.url)
pulumi.export("function_name", blog.function_name)
pulumi.export("function_arn", blog.function_arn)
pulumi.export("role_arn", blog.role_arn)
pulumi.export("table_name", table.name)
pulumi.export("table_arn", table.arn)
pulumi.export("index_name", table.index_name)
pulumi.export("region", aws.get_region_output().region)
pulumi.export("architecture", config.architecture)
pulumi.export("bootstrap_sha256", blog_bootstrap.sha256)
