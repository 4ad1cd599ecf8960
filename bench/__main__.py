"""`make bench`: graviton-blog against a Python peer on the local stack; writes bench/results/.

Sections: 1 init, 2 warm latency, 3 serial vs parallel, 4 memory, 5 release-profile
variants, 6 Docker build times, 7 cost. Options shrink the repeat counts for a quick look.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from components.build_spec import PROJECT_ROOT
from local_stack import seed
from local_stack.artifacts import say, unpack_bootstrap
from local_stack.stack import LocalStack, runner

from . import builds, measure, report
from .forwarding_proxy import ForwardingProxy

RESULTS = PROJECT_ROOT / "bench" / "results"
LARGE_TABLE = "blog-large"
LARGE_LIMIT = 1000  # the API's largest page


def machine() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.machine()


def commit() -> str:
    done = subprocess.run(["git", "describe", "--always", "--dirty"], capture_output=True, text=True, cwd=PROJECT_ROOT)
    return done.stdout.strip() or "unknown"


def main() -> int:
    parser = argparse.ArgumentParser(prog="make bench ARGS=...", description=__doc__)
    parser.add_argument("--init-runs", type=int, default=10)
    parser.add_argument("--warm-runs", type=int, default=300)
    parser.add_argument("--mode-runs", type=int, default=20)
    parser.add_argument("--variant-runs", type=int, default=8, help="init runs per variant (warm: 20x that)")
    parser.add_argument("--large", type=int, default=1000, help="posts and authors in the large data set")
    parser.add_argument("--rtt-ms", type=float, default=4.0, help="simulated network round trip to DynamoDB")
    args = parser.parse_args()
    started = time.monotonic()
    revision = commit()  # before this run rewrites the committed results
    RESULTS.mkdir(parents=True, exist_ok=True)
    phases: dict[str, float] = {}  # seconds per part of this run

    def lap(name: str) -> None:
        phases[name] = time.monotonic() - started - sum(phases.values())

    results: dict = {"init": {}, "warm": {}, "modes": {}, "emulated": {}, "args": vars(args)}

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        say("section 6: Docker builds of blog-api for linux/arm64 (the cold one takes several minutes)...")
        results["builds"], arm64 = builds.docker_build_times(work, builds.VARIANT_DIR / "artifacts")
        lap("Docker builds")
        say("section 5: release-profile variants (a first run compiles three profiles side by side; build/bench keeps cargo's cache)...")
        results["variants"] = builds.build_variants()
        lap("variant builds")
        native_binary = results["variants"][0]["binary"]  # the shipped profile, for this machine

        with LocalStack({}, "arm64", work / "stack", log=say) as stack:
            client = seed.dynamodb_client(stack.dynamodb_endpoint)
            seed.create_table(client, LARGE_TABLE)
            seed.put_items(client, LARGE_TABLE, seed.sample_items(args.large, extra_authors=args.large))
            network = ForwardingProxy(stack.dynamodb_port, delay_ms=args.rtt_ms).start()
            over_network = {"AWS_ENDPOINT_URL_DYNAMODB": f"http://{network.address}"}
            arm64_bootstrap = unpack_bootstrap(Path(arm64.zip), work / "arm64")
            results["shipped"] = {"arm64": {"bootstrap_bytes": arm64_bootstrap.stat().st_size, "zip_bytes": arm64.size}}
            subjects = [
                measure.runtime_subject("rust-x86_64-native", [native_binary], emulated=False),
                measure.runtime_subject("rust-arm64-qemu", runner("arm64") + [str(arm64_bootstrap)], emulated=True),
                measure.python_subject(),
            ]
            for subject in subjects:
                say(f"sections 1-4: {subject.name}...")
                results["emulated"][subject.name] = subject.emulated
                results["init"][subject.name] = measure.measure_init(stack, subject, args.init_runs)
                results["warm"][subject.name] = measure.measure_warm(stack, subject, args.warm_runs)
                results["modes"][subject.name] = {
                    "small, moto as is": measure.measure_modes(stack, subject, 10, args.mode_runs, {}),
                    f"small, +{args.rtt_ms:g} ms per call": measure.measure_modes(
                        stack, subject, 10, args.mode_runs, over_network),
                    f"large ({args.large} each), +{args.rtt_ms:g} ms per call": measure.measure_modes(
                        stack, subject, args.large // 2, max(3, args.mode_runs // 4),
                        {**over_network, "TABLE_NAME": LARGE_TABLE}),
                }
            lap("sections 1-4")
            say("section 5: variants at run time...")
            for variant in results["variants"]:
                subject = measure.runtime_subject("variant", [variant["binary"]], emulated=False)
                subject.routes = ("/posts",)
                variant["init"] = measure.measure_init(stack, subject, args.variant_runs)
                variant["warm"] = measure.measure_warm(stack, subject, 20 * args.variant_runs)["routes"]["/posts"]
                # The CPU-heavy case: a thousand items decoded and encoded per request.
                variant["warm_large"] = measure.measure_warm(
                    stack, subject, 2 * args.variant_runs, limit=LARGE_LIMIT, warmup=3,
                    env={"TABLE_NAME": LARGE_TABLE, "DDB_PAGE_SIZE": str(LARGE_LIMIT)})["routes"]["/posts"]
            network.stop()
            lap("section 5 runs")

    (RESULTS / "results.json").write_text(json.dumps(results, indent=2, default=str))  # raw, in case what follows fails
    results["variant_choice"] = report.choose_variant(results["variants"])
    emulation = results["init"]["rust-arm64-qemu"]["median"] / results["init"]["rust-x86_64-native"]["median"]
    results["emulated_build"] = report.emulated_build_note(builds.emulation_support(), emulation,
                                                           results["builds"]["cold_seconds"])
    results["cost"] = report.costs(results["warm"])
    results["claim"] = report.claim_check(results["cost"])
    results["meta"] = {"date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
                       "machine": machine(), "cores": os.cpu_count(), "commit": revision,
                       "seconds": time.monotonic() - started, "phases": phases}
    (RESULTS / "results.json").write_text(json.dumps(results, indent=2, default=str))
    report.plots(results, RESULTS)
    (RESULTS / "REPORT.md").write_text(report.markdown(results))
    say(f"wrote {RESULTS / 'REPORT.md'} in {results['meta']['seconds'] / 60:.1f} min")
    return 0


if __name__ == "__main__":
    sys.exit(main())
