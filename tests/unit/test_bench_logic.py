"""The benchmark's arithmetic and log reading, without running anything."""

import pytest

from bench.builds import cold_stages
from bench.report import choose_variant, cost_per_million
from components.image_build import dependency_layer_cached, step_seconds

LOG = """\
#4 [rust 1/4] FROM docker.io/library/debian:bookworm-slim
#4 DONE 0.0s
#5 [rust 2/4] RUN apt-get update -q && apt-get install rustc-web
#5 DONE 20.2s
#6 [rust 3/4] RUN cargo install cargo-chef --locked --debug --version 0.1.78
#6 DONE 51.3s
#8 [toolchain 1/1] RUN set -eu; dpkg --add-architecture arm64
#12 [planner 2/2] RUN cargo chef prepare --recipe-path recipe.json
#12 DONE 0.4s
#8 DONE 23.6s
#14 [builder 3/5] RUN cargo-for-target.sh chef cook --recipe-path recipe.json --workspace
#14 CACHED
#16 [builder 5/5] RUN cargo-for-target.sh build --locked --bin "blog-api"
#16 DONE 83.6s
"""


def test_step_seconds_pairs_steps_with_their_durations_and_skips_cached_ones():
    steps = step_seconds(LOG)
    assert ("toolchain", "RUN set -eu; dpkg --add-architecture arm64", 23.6) in steps
    assert not [s for s in steps if "chef cook" in s[1]]
    assert len(steps) == 6


def test_cold_stages_split_toolchain_dependencies_and_crate():
    assert cold_stages(LOG) == pytest.approx({"toolchain": 95.1, "dependencies": 0, "crate": 83.6})
    assert dependency_layer_cached(LOG)


def variant(opt, zip_bytes, init, small, large):
    timing = lambda ms: {"cpu_ms": ms}  # noqa: E731
    return {"opt_level": opt, "lto": "fat", "zip_bytes": zip_bytes, "init": {"median": init},
            "warm": timing(small), "warm_large": timing(large)}


def test_choose_variant_takes_the_smallest_zip_among_the_fast_ones():
    shipped = variant("3", 4_000_000, 14.0, 1.10, 40.0)
    small_but_slow = variant("z", 2_600_000, 14.1, 1.12, 52.0)  # 30% slower on the large page
    small_enough = variant("s", 2_800_000, 14.2, 1.11, 41.0)
    text = choose_variant([shipped, small_but_slow, small_enough])
    assert "This run: opt-level s with fat LTO" in text and "disagrees" in text
    assert choose_variant([shipped, small_but_slow]).endswith("which is what rust/Cargo.toml ships.")


def test_cost_bills_whole_milliseconds_and_the_request_charge():
    # 128 MB for 1 ms: 0.2 + 1e6 * 0.001 * 0.125 * 0.0000133334 USD
    assert cost_per_million(0.4) == pytest.approx(0.2 + 0.001666675)
    assert cost_per_million(1.2) > cost_per_million(1.0)


def test_choose_variant_always_answers_when_every_variant_loses_somewhere():
    fast_start = variant("z", 2_600_000, 12.0, 1.10, 52.0)
    fast_handler = variant("3", 4_000_000, 14.0, 1.10, 40.0)
    balanced = variant("s", 2_800_000, 12.9, 1.10, 43.0)  # 7.5% behind on both: the smallest worst shortfall
    assert "This run: opt-level s" in choose_variant([fast_handler, fast_start, balanced])
