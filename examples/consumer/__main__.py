"""A consumer of graviton-blog's outputs contract.

Another team's project: it grants its own services read access to the blog
table and publishes the blog's authors endpoint, using only the stack outputs.
"""

import pulumi
import pulumi_aws as aws

blog = pulumi.StackReference(pulumi.Config().require("blogStack"))
api_url = blog.require_output("api_url")
table_arn = blog.require_output("table_arn")

reader = aws.iam.Policy(
    "blog-table-reader",
    description="Read the graviton-blog table and its indexes",
    policy=pulumi.Output.json_dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": ["dynamodb:GetItem", "dynamodb:Query"],
                    "Resource": [table_arn, pulumi.Output.concat(table_arn, "/index/*")],
                }
            ],
        }
    ),
)

pulumi.export("authors_url", api_url.apply(lambda url: url.rstrip("/") + "/authors"))
pulumi.export("reader_policy_arn", reader.arn)
