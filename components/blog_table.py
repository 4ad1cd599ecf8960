"""BlogTable: the DynamoDB table of the blog, with GSI1 (DESIGN "Data model")."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping, Optional

import pulumi
import pulumi_aws as aws

from . import blog_schema as schema


@dataclass
class BlogTableArgs:
    deletion_protection: pulumi.Input[bool] = True
    """Refuse `DeleteTable` until turned off. Default on: a user who passes nothing keeps their data."""
    point_in_time_recovery: pulumi.Input[bool] = True
    """Continuous backups for the last 35 days. Default on."""
    tags: Optional[Mapping[str, pulumi.Input[str]]] = field(default=None)


class BlogTable(pulumi.ComponentResource):
    name: pulumi.Output[str]
    arn: pulumi.Output[str]
    index_name: pulumi.Output[str]
    index_arn: pulumi.Output[str]

    def __init__(self, name: str, args: BlogTableArgs, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__("graviton-blog:index:BlogTable", name, None, opts)
        table = aws.dynamodb.Table(
            f"{name}-table",
            billing_mode="PAY_PER_REQUEST",
            hash_key=schema.HASH_KEY,
            range_key=schema.RANGE_KEY,
            attributes=[
                aws.dynamodb.TableAttributeArgs(name=attr, type=kind)
                for attr, kind in schema.ATTRIBUTES
            ],
            global_secondary_indexes=[
                aws.dynamodb.TableGlobalSecondaryIndexArgs(
                    name=schema.INDEX_NAME,
                    key_schemas=[
                        aws.dynamodb.TableGlobalSecondaryIndexKeySchemaArgs(
                            attribute_name=schema.INDEX_HASH_KEY, key_type="HASH"
                        ),
                        aws.dynamodb.TableGlobalSecondaryIndexKeySchemaArgs(
                            attribute_name=schema.INDEX_RANGE_KEY, key_type="RANGE"
                        ),
                    ],
                    projection_type=schema.INDEX_PROJECTION,
                )
            ],
            deletion_protection_enabled=args.deletion_protection,
            point_in_time_recovery=aws.dynamodb.TablePointInTimeRecoveryArgs(
                enabled=args.point_in_time_recovery
            ),
            tags=args.tags,
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.name = table.name
        self.arn = table.arn
        self.index_name = pulumi.Output.from_input(schema.INDEX_NAME)
        self.index_arn = table.arn.apply(lambda arn: f"{arn}/index/{schema.INDEX_NAME}")
        self.register_outputs(
            {"name": self.name, "arn": self.arn, "index_name": self.index_name, "index_arn": self.index_arn}
        )
