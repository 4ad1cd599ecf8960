"""End to end over HTTP only: the arm64 artifacts under qemu, the function URL
emulator and a local DynamoDB, started from code."""

from __future__ import annotations

import base64
import re
import time

import pytest
import requests

from local_stack.seed import DEMO_AUTHORS, DEMO_POSTS
from local_stack.stack import LocalStack

pytestmark = pytest.mark.e2e

EXTRA_POSTS = 120
PAGE_SIZE = 7  # many DynamoDB pages per response
TOTAL_POSTS = len(DEMO_POSTS) + EXTRA_POSTS
TIMING = re.compile(r"^dynamodb;dur=\d+(\.\d+)?$")
# The SDK gives up after 5 s (store.rs); the function's default timeout is 10 s.
FUNCTION_TIMEOUT = 10.0


@pytest.fixture(scope="module")
def stack(artifacts, tmp_path_factory):
    functions = {name: artifacts.get(name, "arm64").zip for name in ("blog-api", "echo")}
    with LocalStack(functions, "arm64", tmp_path_factory.mktemp("e2e"), extra_posts=EXTRA_POSTS,
                    page_size=PAGE_SIZE) as running:
        yield running


def get(stack, path: str, **params) -> requests.Response:
    response = requests.get(stack.url("blog-api") + path.lstrip("/"), params=params, timeout=30)
    assert response.headers["content-type"] == "application/json"
    assert TIMING.match(response.headers["server-timing"]), response.headers["server-timing"]
    return response


def expected_posts() -> list[str]:
    from local_stack.seed import sample_items

    posts = [(i["SRT"]["S"], i["PK"]["S"]) for i in sample_items(EXTRA_POSTS) if i["SK"]["S"] == "POST"]
    return [pk for _, pk in sorted(posts, reverse=True)]


def walk(stack, path: str, key: str, **params) -> list[str]:
    seen, cursor = [], None
    for _ in range(500):
        page = get(stack, path, **params, **({"cursor": cursor} if cursor else {}))
        assert page.status_code == 200, page.text
        body = page.json()
        assert len(body[key]) <= int(params.get("limit", 50))
        seen += [item["id"] for item in body[key]]
        cursor = body["next"]
        if cursor is None:
            return seen
    raise AssertionError("the walk did not end")


def test_authors_by_name(stack):
    response = get(stack, "/authors")
    assert response.status_code == 200
    assert response.json() == {
        "authors": [{"id": i, "name": n} for i, n in sorted(DEMO_AUTHORS, key=lambda a: a[1])],
        "next": None,
    }


def test_posts_newest_first_with_all_fields(stack):
    body = get(stack, "/posts", limit=3).json()
    assert [p["id"] for p in body["posts"]] == expected_posts()[:3]
    assert set(body) == {"posts", "next"} and body["next"]
    oldest = get(stack, "/posts", limit=1, order="asc").json()["posts"][0]
    assert oldest == {"id": "post-01", "created": "2021-09-01T08:00:00Z", "title": "Hello, Graviton", "author": "author-1"}


@pytest.mark.parametrize("limit", [10, 13])
@pytest.mark.parametrize("order", ["desc", "asc"])
def test_cursor_walk_returns_every_post_once_in_order(stack, limit, order):
    expected = expected_posts() if order == "desc" else expected_posts()[::-1]
    assert walk(stack, "/posts", "posts", limit=limit, order=order) == expected
    assert len(expected) == TOTAL_POSTS


def test_front_page_same_data_in_both_modes(stack):
    parallel = get(stack, "/", limit=5).json()
    serial = get(stack, "/", limit=5, mode="serial").json()
    assert (parallel["mode"], serial["mode"]) == ("parallel", "serial")
    assert parallel["authors"] == serial["authors"] and parallel["posts"] == serial["posts"]
    assert [p["id"] for p in parallel["posts"]] == expected_posts()[:5]
    assert len(parallel["authors"]) == 3


@pytest.mark.parametrize("path,params,code", [
    ("/posts", {"limit": "0"}, "invalid_limit"),
    ("/posts", {"limit": "abc"}, "invalid_limit"),
    ("/authors", {"limit": "1001"}, "invalid_limit"),
    ("/posts", {"order": "up"}, "invalid_order"),
    ("/", {"mode": "fast"}, "invalid_mode"),
    ("/posts", {"cursor": "not-a-cursor"}, "invalid_cursor"),
])
def test_bad_input_is_400_with_error_json(stack, path, params, code):
    response = get(stack, path, **params)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == code
    assert set(response.json()["error"]) == {"code", "message"}


def test_tampered_cursor_is_400(stack):
    cursor = get(stack, "/posts", limit=2).json()["next"]
    middle = len(cursor) // 2
    tampered = cursor[:middle] + ("A" if cursor[middle] != "A" else "B") + cursor[middle + 1:]
    response = get(stack, "/posts", limit=2, cursor=tampered)
    assert (response.status_code, response.json()["error"]["code"]) == (400, "invalid_cursor")


def test_unknown_path_is_404_and_other_methods_405(stack):
    response = get(stack, "/nowhere")
    assert (response.status_code, response.json()["error"]["code"]) == (404, "not_found")
    for method in ("POST", "PUT", "DELETE"):
        response = requests.request(method, stack.url("blog-api") + "posts", timeout=30)
        assert (response.status_code, response.json()["error"]["code"]) == (405, "method_not_allowed")
        assert response.headers["allow"] == "GET"


def test_echo_round_trips_method_path_query_headers_and_body(stack):
    response = requests.put(stack.url("echo") + "some/where?a=1&b=two", data="hello echo",
                            headers={"x-probe": "42", "content-type": "text/plain"}, timeout=30)
    assert response.status_code == 200
    body = response.json()
    assert (body["method"], body["path"], body["query"]) == ("PUT", "/some/where", {"a": "1", "b": "two"})
    assert body["headers"]["x-probe"] == "42"
    assert body["body"] == "hello echo"
    empty = requests.get(stack.url("echo"), timeout=30).json()
    assert (empty["method"], empty["path"], empty["body"]) == ("GET", "/", None)


def test_echo_decodes_a_base64_marked_body(stack):
    # The emulator marks binary content types base64; echo must show the decoded text.
    payload = b"\x00\x01binary\xff"
    response = requests.post(stack.url("echo") + "bin", data=payload,
                             headers={"content-type": "application/octet-stream"}, timeout=30)
    body = response.json()["body"]
    assert body == base64.b64encode(payload).decode()  # not UTF-8: echoed as base64 of the raw bytes
    text = requests.post(stack.url("echo") + "bin", data=b"plain bytes",
                         headers={"content-type": "application/octet-stream"}, timeout=30)
    assert text.json()["body"] == "plain bytes"


def test_soak_2000_requests_and_memory_stays_flat(stack):
    function = stack.processes["blog-api"]
    paths = ["/authors", "/posts?limit=5", "/?limit=3", "/posts?limit=2&order=asc"]
    session = requests.Session()
    for i in range(100):  # warm-up
        assert session.get(stack.url("blog-api") + paths[i % 4].lstrip("/"), timeout=30).status_code == 200
    warm = function.rss_kib()
    started = time.monotonic()
    for i in range(2000):
        response = session.get(stack.url("blog-api") + paths[i % 4].lstrip("/"), timeout=30)
        assert response.status_code == 200, (i, response.text)
    took = time.monotonic() - started
    after = function.rss_kib()
    print(f"soak: 2000 requests in {took:.1f} s; RSS {warm} KiB after warm-up, {after} KiB after soak")
    assert abs(after - warm) <= 0.10 * warm


def test_dynamodb_outage_is_503_in_time_and_recovers_without_restart(stack):
    function = stack.processes["blog-api"]
    pid = function.pid
    stack.stop_dynamodb()
    try:
        for path in ("/authors", "/posts", "/"):
            started = time.monotonic()
            response = get(stack, path)
            took = time.monotonic() - started
            assert response.status_code == 503, response.text
            assert response.json()["error"]["code"] == "dynamodb_unavailable"
            assert took < FUNCTION_TIMEOUT, f"{path} took {took:.1f} s"
    finally:
        stack.start_dynamodb()
    assert get(stack, "/authors").status_code == 200
    assert function.pid == pid and function.running()
