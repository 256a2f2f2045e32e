"""The pure helpers of ``best_lambda.checks.run`` the three fronts share."""

from __future__ import annotations

import pytest

from best_lambda.checks.run import within


@pytest.mark.parametrize(
    ("path", "scope", "inside"),
    [
        ("App/Stack", "App/Stack", True),
        ("App/Stack/Fn/Resource", "App/Stack", True),
        ("App/Stack/Fn/Resource", "", True),
        ("", "", True),
        # a name that only starts like the scope is another construct
        ("App/StackB/Fn", "App/Stack", False),
        ("App/Stack-2", "App/Stack", False),
        ("App", "App/Stack", False),
        # leading and trailing slashes do not matter
        ("/App/Stack/Fn", "App/Stack", True),
        ("App/Stack/Fn", "/App/Stack/", True),
        ("App/Stack", "/", True),
        # a stage inside a stage
        ("App/Prod/Api/Fn", "App/Prod", True),
        ("App/Production/Api/Fn", "App/Prod", False),
    ],
)
def test_within(path: str, scope: str, inside: bool):
    assert within(path, scope) is inside
