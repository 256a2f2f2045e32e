"""Leaving out the AWS SDK, and only what nothing else needs."""

from __future__ import annotations

from pathlib import Path

from best_lambda.bundling._tree import Dist, leave_out

SDK = ("boto3", "botocore", "s3transfer")


def dists(**requires: tuple[str, ...]) -> dict[str, Dist]:
    return {
        name: Dist(name, "1.0", Path(f"{name}-1.0.dist-info"), frozenset(deps))
        for name, deps in requires.items()
    }


SDK_GRAPH = {
    "boto3": ("botocore", "s3transfer", "jmespath"),
    "botocore": ("jmespath", "urllib3", "python-dateutil"),
    "s3transfer": ("botocore",),
    "jmespath": (),
    "urllib3": (),
    "python-dateutil": ("six",),
    "six": (),
}


def test_the_sdk_and_what_only_it_needs_are_left_out():
    installed = dists(
        **SDK_GRAPH, **{"orders-lib": ("boto3", "requests"), "requests": ("urllib3",)}
    )
    drop, pinned = leave_out(installed, SDK, declared={"orders-lib"})
    assert drop == {"boto3", "botocore", "s3transfer", "jmespath", "python-dateutil", "six"}
    assert pinned == set()  # urllib3 stays: requests needs it


def test_a_declared_sdk_is_kept_with_everything_it_needs():
    installed = dists(**SDK_GRAPH, **{"orders-lib": ("boto3",)})
    drop, pinned = leave_out(installed, SDK, declared={"orders-lib", "boto3"})
    assert drop == set()
    assert pinned == {"boto3"}


def test_declaring_one_sdk_package_keeps_only_what_it_needs():
    installed = dists(**SDK_GRAPH, **{"orders-lib": ("boto3",)})
    drop, pinned = leave_out(installed, SDK, declared={"orders-lib", "botocore"})
    assert drop == {"boto3", "s3transfer"}
    assert pinned == {"botocore"}


def test_a_package_the_user_declared_stays_even_if_only_the_sdk_needs_it_too():
    installed = dists(**SDK_GRAPH, **{"orders-lib": ("boto3",)})
    drop, _ = leave_out(installed, SDK, declared={"orders-lib", "jmespath"})
    assert "jmespath" not in drop
    assert {"boto3", "botocore", "s3transfer"} <= drop


def test_packages_the_sdk_did_not_pull_in_always_stay():
    """A requirement we could not name (a bare URL) and its dependency cycle: kept."""
    installed = dists(a=("b",), b=("a",), lonely=())
    drop, _ = leave_out(installed, SDK, declared=set())
    assert drop == set()


def test_nothing_to_do_without_the_sdk():
    installed = dists(requests=("urllib3",), urllib3=())
    assert leave_out(installed, SDK, declared={"requests"}) == (set(), set())
