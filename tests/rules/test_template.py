"""The template index's shared lookups, over awkward shapes (conditions, intrinsic ARNs,
names that share a prefix)."""

from __future__ import annotations

from typing import Any

import pytest

from best_lambda.rules.template import TemplateIndex, Unresolved, literal_text, lookup

ROLE = "AWS::IAM::Role"
QUEUE = "AWS::SQS::Queue"


def _index(**resources: dict[str, Any]) -> TemplateIndex:
    return TemplateIndex(
        {
            "Parameters": {"Env": {"Type": "String"}},
            "Conditions": {"IsProd": {"Fn::Equals": [{"Ref": "Env"}, "prod"]}},
            "Resources": resources,
        }
    )


# -- only_reference -----------------------------------------------------------------------------
ONLY = _index(
    Role={"Type": ROLE},
    RoleB={"Type": ROLE},
    Queue={"Type": QUEUE},
)


@pytest.mark.parametrize(
    ("value", "types", "expected"),
    [
        ({"Ref": "Role"}, (ROLE,), "Role"),
        ({"Fn::GetAtt": ["RoleB", "Arn"]}, (ROLE,), "RoleB"),
        # names that share a prefix: ${RoleB} is RoleB, never Role
        (
            {"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/${RoleB}"},
            (ROLE,),
            "RoleB",
        ),
        ({"Fn::Sub": "${Role.Arn}"}, (ROLE,), "Role"),
        ({"Fn::Join": ["", ["arn:aws:iam::1:role/", {"Ref": "Role"}]]}, (ROLE,), "Role"),
        # Fn::Sub variables are references too
        ({"Fn::Sub": ["role/${Name}", {"Name": {"Ref": "RoleB"}}]}, (ROLE,), "RoleB"),
        # another type is not counted when types are given, but is without
        ({"Fn::Sub": "${Role}/${Queue}"}, (ROLE,), "Role"),
        ({"Fn::Sub": "${Role}/${Queue}"}, (), None),
        ({"Fn::Sub": "${Queue.Arn}"}, (), "Queue"),
        # two candidates: not one
        ({"Fn::If": ["IsProd", {"Ref": "Role"}, {"Ref": "RoleB"}]}, (ROLE,), None),
        ({"Fn::Join": ["", [{"Ref": "Role"}, {"Ref": "RoleB"}]]}, (ROLE,), None),
        # the same one twice is one
        ({"Fn::If": ["IsProd", {"Ref": "Role"}, {"Fn::GetAtt": ["Role", "Arn"]}]}, (ROLE,), "Role"),
        # nothing of the template
        ("arn:aws:iam::1:role/Role", (ROLE,), None),
        ({"Fn::Sub": "arn:aws:iam::1:role/${!Role}"}, (ROLE,), None),
        ({"Ref": "Missing"}, (ROLE,), None),
        ({"Ref": "Queue"}, (ROLE,), None),
    ],
)
def test_only_reference(value: Any, types: tuple[str, ...], expected: str | None):
    assert ONLY.only_reference(value, *types) == expected


# -- literal_text -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("arn:aws:lambda:eu-west-1:1:function:f", "arn:aws:lambda:eu-west-1:1:function:f"),
        (
            {"Fn::Sub": "arn:${AWS::Partition}:iam::${A}:root"},
            "arn:${AWS::Partition}:iam::${A}:root",
        ),
        ({"Fn::Sub": ["{{resolve:${S}}}", {"S": {"Ref": "X"}}]}, "{{resolve:${S}}}"),
        # references become empty, the delimiter stays
        ({"Fn::Join": [":", ["arn", {"Ref": "AWS::Partition"}, "lambda", "r"]]}, "arn::lambda:r"),
        ({"Fn::Join": ["", ["s3.", {"Ref": "AWS::URLSuffix"}]]}, "s3."),
        # nested Fn::Sub / Fn::Join parts are read the same way
        (
            {"Fn::Join": ["/", [{"Fn::Sub": "${Bucket.Arn}"}, {"Fn::Join": ["", ["in", "/*"]]}]]},
            "${Bucket.Arn}/in/*",
        ),
        # under a condition: not one text
        ({"Fn::If": ["IsProd", "a", "b"]}, None),
        ({"Fn::Join": [{"Ref": "Sep"}, ["a", "b"]]}, None),
        ({"Fn::Join": [":", {"Ref": "List"}]}, None),
        ({"Fn::Sub": {"Ref": "X"}}, None),
        ({"Ref": "X"}, None),
        (42, None),
    ],
)
def test_literal_text(value: Any, expected: str | None):
    assert literal_text(value) == expected


# -- lookup -------------------------------------------------------------------------------------
LOOKUP = TemplateIndex(
    {
        "Parameters": {"Env": {"Type": "String"}, "Config": {"Type": "String"}},
        "Conditions": {"IsProd": {"Fn::Equals": [{"Ref": "Env"}, "prod"]}},
        "Mappings": {"Dlq": {"eu-west-1": {"Config": {"Arn": "arn:aws:sqs:eu-west-1:1:dlq"}}}},
        "Resources": {"Queue": {"Type": QUEUE}},
    }
)


@pytest.mark.parametrize(
    ("value", "keys", "expected"),
    [
        (
            {"OnFailure": {"Destination": {"Ref": "Queue"}}},
            ("OnFailure", "Destination"),
            {"Ref": "Queue"},
        ),
        ({"OnFailure": {}}, ("OnFailure", "Destination"), None),
        ({"OnFailure": "not an object"}, ("OnFailure", "Destination"), None),
        (None, ("OnFailure",), None),
        # the last level is returned as written, intrinsic or not
        ({"Fn::If": ["IsProd", 1, 2]}, (), {"Fn::If": ["IsProd", 1, 2]}),
        # an intermediate level is read through an intrinsic the template decides:
        # branches that agree are one value
        ({"Fn::If": ["IsProd", {"Arn": "a"}, {"Arn": "a"}]}, ("Arn",), "a"),
    ],
)
def test_lookup(value: Any, keys: tuple[str, ...], expected: Any):
    assert lookup(value, keys, LOOKUP) == expected


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ({"Ref": "Config"}, "template parameter 'Config'"),
        ({"Fn::If": ["IsProd", {"Arn": "a"}, {"Arn": "b"}]}, "condition 'IsProd'"),
        ({"Fn::ImportValue": "shared-dlq"}, "Fn::ImportValue"),
        # Fn::FindInMap gives scalars only
        ({"Fn::FindInMap": ["Dlq", "eu-west-1", "Config"]}, "cannot be resolved"),
    ],
)
def test_lookup_through_what_the_template_does_not_decide(value: Any, reason: str):
    found = lookup(value, ("Arn",), LOOKUP)
    assert isinstance(found, Unresolved)
    assert reason in found.reason


# -- role_of / functions_with_role ----------------------------------------------------------------
def _fn(role: Any, **more: Any) -> dict[str, Any]:
    return {"Type": "AWS::Lambda::Function", "Properties": {"Role": role, **more}}


ROLES = _index(
    Role={"Type": ROLE},
    RoleB={"Type": ROLE},
    Queue={"Type": QUEUE},
    ByArn=_fn({"Fn::GetAtt": ["Role", "Arn"]}),
    BySub=_fn({"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/${RoleB}"}),
    ByJoin=_fn(
        {"Fn::Join": ["", ["arn:aws:iam::", {"Ref": "AWS::AccountId"}, ":role/", {"Ref": "Role"}]]}
    ),
    # a role and a queue in one expression: the role is still the only role
    Mixed=_fn(
        {"Fn::Sub": "arn:aws:iam::1:role/${RoleB}"},
        Environment={"Variables": {"Q": {"Ref": "Queue"}}},
    ),
    # references Role elsewhere (an environment variable) but runs as RoleB
    Elsewhere=_fn({"Ref": "RoleB"}, Environment={"Variables": {"ROLE": {"Ref": "Role"}}}),
    # a condition between two roles: not one role (each world decides it)
    Either=_fn({"Fn::If": ["IsProd", {"Ref": "Role"}, {"Fn::Sub": "${RoleB.Arn}"}]}),
    Outside=_fn("arn:aws:iam::123456789012:role/Role"),
)


@pytest.mark.parametrize(
    ("function", "role"),
    [
        ("ByArn", "Role"),
        ("BySub", "RoleB"),
        ("ByJoin", "Role"),
        ("Mixed", "RoleB"),
        ("Elsewhere", "RoleB"),
        ("Either", None),
        ("Outside", None),
    ],
)
def test_role_of(function: str, role: str | None):
    assert ROLES.role_of(ROLES.resources[function]) == role


def test_functions_with_role_counts_the_role_a_function_runs_as_not_every_reference():
    assert [f.logical_id for f in ROLES.functions_with_role("Role")] == ["ByArn", "ByJoin"]
    assert [f.logical_id for f in ROLES.functions_with_role("RoleB")] == [
        "BySub",
        "Mixed",
        "Elsewhere",
    ]
    assert ROLES.functions_with_role("Queue") == []


def test_functions_with_role_in_each_world():
    either = ROLES.resources["Either"]
    prod = ROLES.in_world((("IsProd", True),))
    dev = ROLES.in_world((("IsProd", False),))
    assert prod.role_of(prod.resources["Either"]) == "Role"
    assert dev.role_of(dev.resources["Either"]) == "RoleB"
    assert "Either" in [f.logical_id for f in prod.functions_with_role("Role")]
    assert "Either" in [f.logical_id for f in dev.functions_with_role("RoleB")]
    assert ROLES.variants(either.logical_id) == [(("IsProd", False),), (("IsProd", True),)]


def test_docstring_examples():
    import doctest

    import best_lambda.rules.template

    outcome = doctest.testmod(best_lambda.rules.template)
    assert outcome.attempted > 0
    assert outcome.failed == 0


# -- relevant conditions ----------------------------------------------------------------------
def _conditional(n: int) -> tuple[dict[str, Any], dict[str, Any]]:
    """Parameters and conditions C0..C{n-1}, each on its own parameter."""
    parameters = {f"P{i}": {"Type": "String"} for i in range(n)}
    conditions = {f"C{i}": {"Fn::Equals": [{"Ref": f"P{i}"}, "on"]} for i in range(n)}
    return parameters, conditions


def _lambda_role(**props: Any) -> dict[str, Any]:
    trust = {
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "lambda.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ]
    }
    return {"Type": ROLE, "Properties": {"AssumeRolePolicyDocument": trust, **props}}


def _function(role: str, **props: Any) -> dict[str, Any]:
    base = {
        "Runtime": "python3.13",
        "Handler": "index.handler",
        "Code": {"ZipFile": "x"},
        "Role": {"Fn::GetAtt": [role, "Arn"]},
        "Architectures": ["arm64"],
        "TracingConfig": {"Mode": "Active"},
        "Timeout": 10,
        "MemorySize": 256,
        "LoggingConfig": {"LogFormat": "JSON"},
    }
    return {"Type": "AWS::Lambda::Function", "Properties": {**base, **props}}


def _shared_role_template(n: int) -> dict[str, Any]:
    """N functions, each under its own condition, sharing one role; Fn0 runs on x86_64."""
    parameters, conditions = _conditional(n)
    resources: dict[str, Any] = {"SharedRole": _lambda_role()}
    for i in range(n):
        resources[f"Fn{i}"] = {**_function("SharedRole"), "Condition": f"C{i}"}
    resources["Fn0"]["Properties"]["Architectures"] = ["x86_64"]
    return {"Parameters": parameters, "Conditions": conditions, "Resources": resources}


def _judge_all(template: dict[str, Any], logical_id: str) -> dict[str, Any]:
    from best_lambda.rules.engine import judge
    from best_lambda.rules.registry import ALL_RULES
    from tests.rules.harness import OPTIONS

    index = TemplateIndex(template)
    resource = index.resources[logical_id]
    return {
        rule.id: judge(rule, resource, index, OPTIONS)
        for rule in ALL_RULES
        if resource.type in rule.resource_types
    }


@pytest.mark.parametrize("n", [7, 50])
def test_functions_sharing_a_role_are_judged_each_in_the_worlds_of_its_own_condition(n: int):
    from best_lambda.rules.model import Status

    template = _shared_role_template(n)
    index = TemplateIndex(template)
    for i in (0, 1, n - 1):
        assert index.relevant_conditions(f"Fn{i}") == {f"C{i}"}
        assert index.variants(f"Fn{i}") == [((f"C{i}", False),), ((f"C{i}", True),)]
    for i in (0, n - 1):
        judged = _judge_all(template, f"Fn{i}")
        unknown = {rule for rule, result in judged.items() if result.status is Status.UNKNOWN}
        assert unknown == set(), {rule: judged[rule].reason for rule in unknown}
        expected = Status.NON_COMPLIANT if i == 0 else Status.COMPLIANT
        assert judged["BestLambda-Arm64"].status is expected
    # The role's own rules do depend on which functions exist (BestLambda-SharedRole counts
    # them): beyond the cap they are unknown, never a guess.
    assert index.relevant_conditions("SharedRole") == {f"C{i}" for i in range(n)}
    shared = _judge_all(template, "SharedRole")["BestLambda-SharedRole"]
    assert shared.status is Status.UNKNOWN
    assert f"{n} conditions" in shared.reason


def test_a_condition_on_the_shared_roles_policy_is_judged_both_ways():
    """RecursiveLoop reads the policies of the role: their conditions are the function's."""
    from best_lambda.rules.model import Status

    template = _shared_role_template(7)
    resources = template["Resources"]
    template["Conditions"]["Writes"] = {"Fn::Equals": [{"Ref": "P0"}, "writes"]}
    resources["Queue"] = {"Type": QUEUE, "Properties": {"VisibilityTimeout": 60}}
    resources["Mapping"] = {
        "Type": "AWS::Lambda::EventSourceMapping",
        "Properties": {
            "EventSourceArn": {"Fn::GetAtt": ["Queue", "Arn"]},
            "FunctionName": {"Ref": "Fn1"},
        },
        "Condition": "C1",
    }
    statement = {
        "Effect": "Allow",
        "Action": {"Fn::If": ["Writes", "sqs:SendMessage", "sqs:ReceiveMessage"]},
        "Resource": {"Fn::GetAtt": ["Queue", "Arn"]},
    }
    resources["Grants"] = {
        "Type": "AWS::IAM::Policy",
        "Properties": {
            "PolicyName": "grants",
            "Roles": [{"Ref": "SharedRole"}],
            "PolicyDocument": {"Statement": [statement]},
        },
    }
    index = TemplateIndex(template)
    assert index.relevant_conditions("Fn1") == {"C1", "Writes"}
    loop = _judge_all(template, "Fn1")["BestLambda-RecursiveLoop"]
    assert loop.status is Status.NON_COMPLIANT
    assert loop.findings[0].message.startswith("When Writes is true: It can send messages")
    # The same when the whole policy is under the condition.
    statement["Action"] = "sqs:SendMessage"
    resources["Grants"]["Condition"] = "Writes"
    loop = _judge_all(template, "Fn1")["BestLambda-RecursiveLoop"]
    assert loop.status is Status.NON_COMPLIANT
    assert loop.findings[0].message.startswith("When Writes is true: It can send messages")
    # Fn2 has no trigger: the policy's condition is still its own to judge, the others' not.
    assert TemplateIndex(template).relevant_conditions("Fn2") == {"C2", "Writes"}


def test_a_shared_queue_is_not_a_path_to_the_other_consumers():
    parameters, conditions = _conditional(7)
    resources: dict[str, Any] = {
        "Queue": {"Type": QUEUE, "Properties": {"VisibilityTimeout": 60}},
        "Dlq": {"Type": QUEUE},
    }
    for i in range(7):
        resources[f"Role{i}"] = _lambda_role()
        resources[f"Fn{i}"] = {
            **_function(f"Role{i}", DeadLetterConfig={"TargetArn": {"Fn::GetAtt": ["Dlq", "Arn"]}}),
            "Condition": f"C{i}",
        }
        resources[f"Mapping{i}"] = {
            "Type": "AWS::Lambda::EventSourceMapping",
            "Properties": {
                "EventSourceArn": {"Fn::GetAtt": ["Queue", "Arn"]},
                "FunctionName": {"Ref": f"Fn{i}"},
            },
            "Condition": f"C{i}",
        }
    index = TemplateIndex(
        {"Parameters": parameters, "Conditions": conditions, "Resources": resources}
    )
    assert index.relevant_conditions("Fn3") == {"C3"}
    assert index.relevant_conditions("Mapping3") == {"C3"}
    # The dead-letter queue's rule does depend on every function that sends to it.
    assert index.relevant_conditions("Dlq") == {f"C{i}" for i in range(7)}


def test_custom_resources_backed_by_a_function_are_not_the_functions_conditions():
    parameters, conditions = _conditional(7)
    resources: dict[str, Any] = {"Role": _lambda_role(), "Provider": _function("Role")}
    for i in range(7):
        resources[f"Custom{i}"] = {
            "Type": "Custom::Thing",
            "Properties": {"ServiceToken": {"Fn::GetAtt": ["Provider", "Arn"]}},
            "Condition": f"C{i}",
        }
    index = TemplateIndex(
        {"Parameters": parameters, "Conditions": conditions, "Resources": resources}
    )
    assert index.relevant_conditions("Provider") == frozenset()
    assert index.variants("Provider") is None


def test_an_alarm_on_the_function_of_a_stream_mapping_is_the_mappings_condition():
    from best_lambda.rules.model import Status

    parameters, conditions = _conditional(1)
    template = {
        "Parameters": parameters,
        "Conditions": conditions,
        "Resources": {
            "Role": _lambda_role(),
            "Fn": _function("Role"),
            "Stream": {"Type": "AWS::Kinesis::Stream", "Properties": {"ShardCount": 1}},
            "Mapping": {
                "Type": "AWS::Lambda::EventSourceMapping",
                "Properties": {
                    "EventSourceArn": {"Fn::GetAtt": ["Stream", "Arn"]},
                    "FunctionName": {"Ref": "Fn"},
                    "StartingPosition": "LATEST",
                },
            },
            "Age": {
                "Type": "AWS::CloudWatch::Alarm",
                "Condition": "C0",
                "Properties": {
                    "Namespace": "AWS/Lambda",
                    "MetricName": "IteratorAge",
                    "Dimensions": [{"Name": "FunctionName", "Value": {"Ref": "Fn"}}],
                    "Threshold": 1,
                    "EvaluationPeriods": 1,
                    "ComparisonOperator": "GreaterThanThreshold",
                },
            },
        },
    }
    assert TemplateIndex(template).relevant_conditions("Mapping") == {"C0"}
    age = _judge_all(template, "Mapping")["BestLambda-IteratorAgeAlarm"]
    assert age.status is Status.NON_COMPLIANT
    assert age.findings[0].message.startswith("When C0 is false: No CloudWatch alarm")


@pytest.mark.parametrize("policy_type", ["AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"])
def test_whether_a_policys_role_is_an_execution_role_depends_on_its_functions(policy_type: str):
    """Without a Lambda trust, the role is an execution role only where a function uses it."""
    from best_lambda.rules.model import Status

    parameters, conditions = _conditional(1)
    policy: dict[str, Any] = {
        "Type": policy_type,
        "Properties": {
            "PolicyDocument": {
                "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]
            }
        },
    }
    role: dict[str, Any] = {"Type": ROLE, "Properties": {"AssumeRolePolicyDocument": {}}}
    if policy_type == "AWS::IAM::Policy":
        policy["Properties"].update(PolicyName="p", Roles=[{"Ref": "Role"}])
    else:
        role["Properties"]["ManagedPolicyArns"] = [{"Ref": "Policy"}]
    template = {
        "Parameters": parameters,
        "Conditions": conditions,
        "Resources": {
            "Role": role,
            "Policy": policy,
            "Fn": {**_function("Role"), "Condition": "C0"},
        },
    }
    assert TemplateIndex(template).relevant_conditions("Policy") == {"C0"}
    wildcard = _judge_all(template, "Policy")["BestLambda-NoWildcardPermissions"]
    assert wildcard.status is Status.NON_COMPLIANT
    assert wildcard.findings[0].message.startswith("When C0 is true: ")


def test_what_designates_a_function_through_its_url_is_the_functions():
    """An HTTP integration of the function's URL (ApiTimeout) under a condition."""
    parameters, conditions = _conditional(1)
    template = {
        "Parameters": parameters,
        "Conditions": conditions,
        "Resources": {
            "Role": _lambda_role(),
            "Fn": _function("Role", Timeout=60),
            "FnUrl": {
                "Type": "AWS::Lambda::Url",
                "Properties": {"TargetFunctionArn": {"Ref": "Fn"}, "AuthType": "AWS_IAM"},
            },
            "Api": {"Type": "AWS::ApiGatewayV2::Api", "Properties": {"ProtocolType": "HTTP"}},
            "Integration": {
                "Type": "AWS::ApiGatewayV2::Integration",
                "Condition": "C0",
                "Properties": {
                    "ApiId": {"Ref": "Api"},
                    "IntegrationType": "HTTP_PROXY",
                    "IntegrationUri": {"Fn::GetAtt": ["FnUrl", "FunctionUrl"]},
                },
            },
        },
    }
    assert TemplateIndex(template).relevant_conditions("Fn") == {"C0"}


def test_names_sharing_a_prefix_are_different_resources():
    parameters, conditions = _conditional(2)
    template = {
        "Parameters": parameters,
        "Conditions": conditions,
        "Resources": {
            "Role": _lambda_role(),
            "Role1": {**_lambda_role(), "Condition": "C1"},
            "Fn": _function("Role"),
            "Fn1": {
                **_function("Role"),
                "Properties": {
                    **_function("Role")["Properties"],
                    "Role": {"Fn::Sub": "arn:aws:iam::1:role/${Role1}"},
                },
                "Condition": "C1",
            },
            "Fn1Logs": {
                "Type": "AWS::Logs::LogGroup",
                "Condition": "C0",
                "Properties": {"LogGroupName": {"Fn::Sub": "/aws/lambda/${Fn1}"}},
            },
        },
    }
    index = TemplateIndex(template)
    assert index.relevant_conditions("Fn") == frozenset()
    assert index.relevant_conditions("Fn1") == {"C0", "C1"}
    assert index.relevant_conditions("Role") == frozenset()
    assert index.relevant_conditions("Role1") == {"C1"}


# -- indexes of one world -----------------------------------------------------------------------
def _getatt(name: str) -> dict[str, Any]:
    return {"Fn::GetAtt": [name, "Arn"]}


WORLDS_TEMPLATE: dict[str, Any] = {
    "Parameters": {"PA": {"Type": "String"}, "PB": {"Type": "String"}},
    "Conditions": {
        "A": {"Fn::Equals": [{"Ref": "PA"}, "on"]},
        "B": {"Fn::Equals": [{"Ref": "PB"}, "on"]},
    },
    "Resources": {
        "RoleA": {**_lambda_role(), "Condition": "A"},
        "RoleB": _lambda_role(),
        "Shared": _lambda_role(),
        "Fn1": _function("RoleB", Role={"Fn::If": ["A", _getatt("RoleA"), _getatt("RoleB")]}),
        "Fn2": {**_function("Shared"), "Condition": "B"},
        # an unconditional function naming a conditional role: it has none where A is false
        "Fn3": _function("Shared", Role={"Fn::Sub": "arn:aws:iam::1:role/${RoleA}"}),
        "Fn4": _function("Shared", FunctionName="worker", MemorySize={"Fn::If": ["B", 1, 2]}),
        "ByName": {
            "Type": "AWS::Lambda::Permission",
            "Condition": "A",
            "Properties": {"FunctionName": "worker", "Principal": "s3.amazonaws.com"},
        },
        "ByRef": {
            "Type": "AWS::Lambda::Permission",
            "Condition": "B",
            "Properties": {"FunctionName": {"Ref": "Fn2"}, "Principal": "sns.amazonaws.com"},
        },
        "Live": {
            "Type": "AWS::Lambda::Alias",
            "Condition": "A",
            "Properties": {"FunctionName": {"Ref": "Fn1"}, "FunctionVersion": "1", "Name": "l"},
        },
        "ByAlias": {
            "Type": "AWS::Lambda::Permission",
            "Properties": {"FunctionName": {"Ref": "Live"}, "Principal": "events.amazonaws.com"},
        },
        "Grants": {
            "Type": "AWS::IAM::Policy",
            "Properties": {
                "PolicyName": "g",
                "Roles": [{"Fn::If": ["B", {"Ref": "Shared"}, {"Ref": "RoleB"}]}],
                "PolicyDocument": {"Statement": []},
            },
        },
        "Queue": {"Type": QUEUE, "Condition": "A"},
        "Mapping": {
            "Type": "AWS::Lambda::EventSourceMapping",
            "Condition": "A",
            "Properties": {"EventSourceArn": _getatt("Queue"), "FunctionName": {"Ref": "Fn4"}},
        },
        "Fn2Logs": {
            "Type": "AWS::Logs::LogGroup",
            "Condition": "B",
            "Properties": {"LogGroupName": {"Fn::Sub": "/aws/lambda/${Fn2}"}},
        },
        "Url": {
            "Type": "AWS::Lambda::Url",
            "Properties": {"TargetFunctionArn": _getatt("Fn1"), "AuthType": "AWS_IAM"},
        },
    },
}
WORLDS = [
    (("A", False),),
    (("A", True),),
    (("B", False),),
    (("B", True),),
    *[(("A", a), ("B", b)) for a in (False, True) for b in (False, True)],
]


def _decided(world: tuple[tuple[str, bool], ...]) -> TemplateIndex:
    """The same template built from scratch with the world's conditions written as literals."""
    template = dict(WORLDS_TEMPLATE)
    template["Conditions"] = {
        **template["Conditions"],
        **{name: {"Fn::Equals": ["x", "x" if value else "y"]} for name, value in world},
    }
    return TemplateIndex(template)


def _view(index: TemplateIndex) -> dict[str, Any]:
    everything = sorted(WORLDS_TEMPLATE["Resources"])
    functions = [f.logical_id for f in index.of_type("AWS::Lambda::Function")]
    kinds = sorted({body["Type"] for body in WORLDS_TEMPLATE["Resources"].values()})
    return {
        "resources": {k: (r.type, r.properties) for k, r in index.resources.items()},
        "order": list(index.resources),
        "inactive": sorted(index.inactive),
        "of_type": {kind: [r.logical_id for r in index.of_type(kind)] for kind in kinds},
        "referrers": {k: [r.logical_id for r in index.referrers(k)] for k in everything},
        "role_of": {f: index.role_of(index.resources[f]) for f in functions},
        "functions_with_role": {
            k: [f.logical_id for f in index.functions_with_role(k)] for k in everything
        },
        "function_id": {
            k: index.function_id(r.get("FunctionName")) for k, r in index.resources.items()
        },
        "attached": {
            (kind, f): [r.logical_id for r in index.attached(kind, f)]
            for kind in ("AWS::Lambda::Permission", "AWS::Lambda::EventSourceMapping")
            for f in functions
        },
        "roles_of_policy": index.roles_of_policy(index.resources["Grants"]),
    }


@pytest.mark.parametrize("first", [True, False], ids=["template-first", "world-first"])
@pytest.mark.parametrize("world", WORLDS, ids=str)
def test_an_index_of_one_world_is_the_template_with_those_conditions_decided(
    world: Any, first: bool
):
    index = TemplateIndex(WORLDS_TEMPLATE)
    if first:  # the template's lookups built before the world's, or after
        _view(index)
    assert _view(index.in_world(world)) == _view(_decided(world))


def test_a_world_that_changes_nothing_is_the_template_itself():
    index = TemplateIndex(WORLDS_TEMPLATE)
    assert index.in_world((("A", True),)) is not index  # Fn1's role is an Fn::If on A
    template = _shared_role_template(3)
    index = TemplateIndex(template)
    assert index.in_world((("C1", True),)) is index
    absent = index.in_world((("C1", False),))
    assert "Fn1" not in absent.resources
    assert "Fn1" in absent.inactive
    assert [f.logical_id for f in absent.functions_with_role("SharedRole")] == ["Fn0", "Fn2"]
