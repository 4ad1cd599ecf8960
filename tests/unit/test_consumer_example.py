"""examples/consumer reads this project's outputs contract through StackReference."""

import json

from tests.pulumi_harness import ROOT, AwsLikeMocks, run_program


def test_consumer_uses_api_url_and_table_arn_from_the_contract():
    contract = run_program(stack="dev").outputs
    mocks = AwsLikeMocks(stack_outputs=contract)
    consumer = run_program(
        program=ROOT / "examples" / "consumer" / "__main__.py",
        stack="dev",
        project="graviton-blog-consumer",
        mocks=mocks,
    )
    (ref,) = consumer.of_type("pulumi:pulumi:StackReference")
    assert ref.name == "organization/graviton-blog/dev"
    assert consumer.outputs["authors_url"] == contract["api_url"] + "authors"
    policy = json.loads(consumer.named("blog-table-reader").inputs["policy"])
    assert policy["Statement"][0]["Resource"] == [contract["table_arn"], contract["table_arn"] + "/index/*"]
