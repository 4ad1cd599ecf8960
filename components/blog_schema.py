"""The blog table's schema, defined once.

`BlogTable` deploys it and the local stack creates it in moto from the same
constants, so the two cannot drift (DESIGN "Data model").
"""

from __future__ import annotations

HASH_KEY = "PK"
RANGE_KEY = "SK"
INDEX_NAME = "GSI1"
INDEX_HASH_KEY = "SK"
INDEX_RANGE_KEY = "SRT"
INDEX_PROJECTION = "ALL"
# Every key attribute of the table and of GSI1, all strings.
ATTRIBUTES: tuple[tuple[str, str], ...] = (("PK", "S"), ("SK", "S"), ("SRT", "S"))

AUTHOR_SK = "USER"
POST_SK = "POST"


def create_table_request(table_name: str) -> dict:
    """The boto3 `create_table` arguments for this schema (on-demand billing)."""
    return {
        "TableName": table_name,
        "BillingMode": "PAY_PER_REQUEST",
        "AttributeDefinitions": [
            {"AttributeName": name, "AttributeType": kind} for name, kind in ATTRIBUTES
        ],
        "KeySchema": [
            {"AttributeName": HASH_KEY, "KeyType": "HASH"},
            {"AttributeName": RANGE_KEY, "KeyType": "RANGE"},
        ],
        "GlobalSecondaryIndexes": [
            {
                "IndexName": INDEX_NAME,
                "KeySchema": [
                    {"AttributeName": INDEX_HASH_KEY, "KeyType": "HASH"},
                    {"AttributeName": INDEX_RANGE_KEY, "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": INDEX_PROJECTION},
            }
        ],
    }
