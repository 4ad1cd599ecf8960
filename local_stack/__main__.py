"""`make local`: build the arm64 bootstraps, start everything, print the URLs; Ctrl-C stops it all."""

from __future__ import annotations

import argparse
import signal
import sys
import time

from .artifacts import BUILD_DIR, build_all, say
from .processes import PortTaken, claim_port
from .stack import LocalStack


def stop_like_ctrl_c(_signum, _frame) -> None:
    """Ctrl-C and SIGTERM both end the stack, stopping everything it started."""
    raise KeyboardInterrupt


def main() -> int:
    parser = argparse.ArgumentParser(prog="make local ARGS=...", description=__doc__)
    parser.add_argument("--posts", type=int, default=0, help="generated posts on top of the demo's 10")
    parser.add_argument("--port", type=int, help="function URL emulator port (default: a free one)")
    parser.add_argument("--dynamodb-port", type=int, help="local DynamoDB port (default: a free one)")
    parser.add_argument("--architecture", default="arm64", choices=["arm64", "x86_64"])
    parser.add_argument("--page-size", type=int, help="DDB_PAGE_SIZE for the blog API")
    args = parser.parse_args()

    # Explicit for SIGINT too: a shell that starts us in the background ignores
    # SIGINT, and Python then installs no Ctrl-C handler of its own.
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, stop_like_ctrl_c)
    try:
        # A taken port fails now, not after minutes of building.
        for port, what in ((args.port, "the function URL emulator"), (args.dynamodb_port, "the local DynamoDB")):
            claim_port(port, what)
        artifacts = build_all(args.architecture)
        stack = LocalStack(
            {name: a.zip for name, a in artifacts.items()}, args.architecture, BUILD_DIR / "run",
            port=args.port, dynamodb_port=args.dynamodb_port, extra_posts=args.posts,
            page_size=args.page_size, log=say,
        )
        say(f"starting the functions ({args.architecture}" + (", under qemu)..." if args.architecture == "arm64" else ")..."))
        with stack:
            api, echo = stack.url("blog-api"), stack.url("echo")
            print(f"""
ready: graviton-blog is running locally
  blog API  {api}
  echo      {echo}
  DynamoDB  {stack.dynamodb_endpoint} (table {stack.table!r})

try:
  curl -s '{api}authors'
  curl -s '{api}posts?limit=3&order=asc'
  curl -s '{api}?mode=serial'
  curl -s -X POST '{echo}any/path?x=1' -d 'hello'

logs in {stack.work_dir / 'logs'}; press Ctrl-C to stop everything.""", flush=True)
            while True:
                for name, process in stack.processes.items():
                    if not process.running():
                        say(f"{name} stopped unexpectedly:\n{process.log_tail()}")
                        return 1
                time.sleep(0.5)
    except KeyboardInterrupt:
        say("\nstopped: every process the local stack started has ended")
        return 0
    except PortTaken as err:
        say(f"error: {err}")
        return 2


if __name__ == "__main__":
    sys.exit(main())
