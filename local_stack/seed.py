"""Creates the blog table in a DynamoDB endpoint and fills it with sample data.

The table comes from components.blog_schema, the definition BlogTable deploys.
"""

from __future__ import annotations

import argparse
from datetime import datetime, timedelta, timezone

import boto3

from components import blog_schema as schema

# The 2021 demo's sample blog: three authors and ten posts.
DEMO_AUTHORS = [("author-1", "Ada Lovelace"), ("author-2", "Grace Hopper"), ("author-3", "Linus Torvalds")]
DEMO_POSTS = [
    ("post-01", "2021-09-01T08:00:00Z", "Hello, Graviton", "author-1"),
    ("post-02", "2021-09-03T09:30:00Z", "Rust on Lambda", "author-2"),
    ("post-03", "2021-09-05T12:00:00Z", "Cross-compiling for aarch64", "author-3"),
    ("post-04", "2021-09-08T16:45:00Z", "DynamoDB single-table design", "author-1"),
    ("post-05", "2021-09-10T10:15:00Z", "Parallel queries with tokio", "author-2"),
    ("post-06", "2021-09-14T14:00:00Z", "Cold starts measured", "author-3"),
    ("post-07", "2021-09-18T07:20:00Z", "CDK v2 and Docker bundling", "author-1"),
    ("post-08", "2021-09-22T18:05:00Z", "Least privilege for Lambdas", "author-2"),
    ("post-09", "2021-09-27T11:11:00Z", "Paging through a GSI", "author-3"),
    ("post-10", "2021-10-01T09:00:00Z", "What a dollar buys", "author-1"),
]


def dynamodb_client(endpoint: str):
    return boto3.client(
        "dynamodb", endpoint_url=endpoint, region_name="us-east-1",
        aws_access_key_id="local", aws_secret_access_key="local",
    )


def author_item(author_id: str, name: str) -> dict:
    return {"PK": {"S": author_id}, "SK": {"S": schema.AUTHOR_SK}, "SRT": {"S": name}}


def post_item(post_id: str, created: str, title: str | None = None, author: str | None = None) -> dict:
    item = {"PK": {"S": post_id}, "SK": {"S": schema.POST_SK}, "SRT": {"S": created}}
    if title is not None:
        item["title"] = {"S": title}
    if author is not None:
        item["author"] = {"S": author}
    return item


def sample_items(extra_posts: int = 0, extra_authors: int = 0) -> list[dict]:
    """The demo's authors and posts, then generated ones (posts created a minute apart)."""
    items = [author_item(a, n) for a, n in DEMO_AUTHORS]
    items += [author_item(f"gen-author-{i:06d}", f"Author {i:06d}") for i in range(extra_authors)]
    items += [post_item(*p) for p in DEMO_POSTS]
    start = datetime(2022, 1, 1, tzinfo=timezone.utc)
    for i in range(extra_posts):
        created = (start + timedelta(minutes=i)).strftime("%Y-%m-%dT%H:%M:%SZ")
        items.append(post_item(f"gen-{i:06d}", created, f"Generated post {i}", DEMO_AUTHORS[i % 3][0]))
    return items


def create_table(client, table_name: str) -> None:
    client.create_table(**schema.create_table_request(table_name))
    client.get_waiter("table_exists").wait(TableName=table_name, WaiterConfig={"Delay": 0.2, "MaxAttempts": 50})


def put_items(client, table_name: str, items: list[dict]) -> None:
    for start in range(0, len(items), 25):
        batch = [{"PutRequest": {"Item": item}} for item in items[start:start + 25]]
        pending = {table_name: batch}
        while pending:
            pending = client.batch_write_item(RequestItems=pending).get("UnprocessedItems") or {}


def main() -> None:
    parser = argparse.ArgumentParser(description="create and seed the blog table")
    parser.add_argument("--endpoint", required=True)
    parser.add_argument("--table", default="blog")
    parser.add_argument("--posts", type=int, default=0, help="generated posts on top of the demo's ten")
    args = parser.parse_args()
    client = dynamodb_client(args.endpoint)
    create_table(client, args.table)
    put_items(client, args.table, sample_items(args.posts))


if __name__ == "__main__":
    main()
