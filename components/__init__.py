"""Reusable Pulumi components for Rust on AWS Lambda (arm64 by default)."""

from .blog_table import BlogTable, BlogTableArgs
from .rust_bootstrap import RustBootstrap, RustBootstrapArgs
from .rust_function import DynamoDbAccess, RustFunction, RustFunctionArgs

__all__ = [
    "BlogTable",
    "BlogTableArgs",
    "DynamoDbAccess",
    "RustBootstrap",
    "RustBootstrapArgs",
    "RustFunction",
    "RustFunctionArgs",
]
