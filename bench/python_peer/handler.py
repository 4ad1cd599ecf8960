"""The Python peer of the blog API, for benchmarks only (never deployed).

What a user might write instead of Rust: `GET /` and `GET /posts` with boto3 on
the same table, through AWS's Python runtime interface client (awslambdaric).
"""

import json
import os
import time
from concurrent.futures import ThreadPoolExecutor

import boto3

TABLE = os.environ["TABLE_NAME"]
INDEX = os.environ["INDEX_NAME"]
PAGE_SIZE = int(os.environ.get("DDB_PAGE_SIZE", "100"))
dynamodb = boto3.client("dynamodb")
pool = ThreadPoolExecutor(max_workers=2)


def query(sort_key: str, limit: int, ascending: bool) -> list[dict]:
    items, start = [], None
    while len(items) < limit:
        args = {"TableName": TABLE, "IndexName": INDEX, "KeyConditionExpression": "SK = :sk",
                "ExpressionAttributeValues": {":sk": {"S": sort_key}}, "ScanIndexForward": ascending,
                "Limit": PAGE_SIZE}
        if start:
            args["ExclusiveStartKey"] = start
        page = dynamodb.query(**args)
        items += page.get("Items", [])
        start = page.get("LastEvaluatedKey")
        if not start:
            break
    return items[:limit]


def authors(limit: int) -> list[dict]:
    return [{"id": i["PK"]["S"], "name": i["SRT"]["S"]} for i in query("USER", limit, True)]


def posts(limit: int) -> list[dict]:
    out = []
    for i in query("POST", limit, False):
        post = {"id": i["PK"]["S"], "created": i["SRT"]["S"]}
        for field in ("title", "author"):
            if field in i:
                post[field] = i[field]["S"]
        out.append(post)
    return out


def handler(event, _context):
    params = event.get("queryStringParameters") or {}
    limit = int(params.get("limit", "50"))
    path = event.get("rawPath", "/")
    started = time.perf_counter()
    if path == "/posts":
        body = {"posts": posts(limit)}
    elif path == "/":
        mode = params.get("mode", "parallel")
        if mode == "serial":
            body = {"authors": authors(limit), "posts": posts(limit)}
        else:
            a, p = pool.submit(authors, limit), pool.submit(posts, limit)
            body = {"authors": a.result(), "posts": p.result()}
        body["mode"] = mode
    else:
        return {"statusCode": 404, "headers": {"content-type": "application/json"}, "body": "{}", "multiValueHeaders": {}, "cookies": [], "isBase64Encoded": False}
    took = (time.perf_counter() - started) * 1000
    return {"statusCode": 200, "headers": {"content-type": "application/json", "server-timing": f"dynamodb;dur={took:.3f}"},
            "body": json.dumps(body), "multiValueHeaders": {}, "cookies": [], "isBase64Encoded": False}
