"""Read template.yaml for the local stack and the tests: tables, functions, routes, throttling, user pool.

The template is the single source of truth: tests and the local emulator build their tables from it, and the
local gateway takes its routes and throttling from it, so there is no second hand-written copy to drift.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "template.yaml"


class _CfnLoader(yaml.SafeLoader):
    """YAML loader that keeps CloudFormation short-form tags (!Ref, !Sub, !GetAtt...) as their long forms."""


def _construct_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    name = suffix if suffix in ("Ref", "Condition") else f"Fn::{suffix}"  # !Condition's long form is "Condition"
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
        if suffix == "GetAtt":
            value = str(value).split(".", 1)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]
    return {name: value}


_CfnLoader.add_multi_constructor("!", _construct_tag)


@cache
def load_template(path: Path = TEMPLATE) -> dict[str, Any]:
    with path.open() as handle:
        loaded: dict[str, Any] = yaml.load(handle, Loader=_CfnLoader)
    return loaded


def resources(kind: str, template: dict[str, Any] | None = None) -> dict[str, dict[str, Any]]:
    template = template or load_template()
    return {name: res for name, res in template["Resources"].items() if res["Type"] == kind}


def local_value(value: Any, template: dict[str, Any] | None = None, names: Mapping[str, str] | None = None) -> Any:
    """Resolve what a template value means locally. ``names`` holds what the local stack created under a name of
    the emulator's (a queue's URL by logical id, its ``Queue.Arn`` and ``Queue.QueueName``, a user pool's id): a
    !Ref or !GetAtt found there is that value. Otherwise a !Ref to a parameter is its default, a !Ref to a resource
    its logical id (the name the local stack gives it), and a !GetAtt what the !Ref is (an ``Arn``: a local ARN)."""
    names = names or {}
    if isinstance(value, dict) and "Ref" in value:
        parameters = (template or load_template()).get("Parameters", {})
        name = value["Ref"]
        if name in names:
            return names[name]
        return parameters[name].get("Default") if name in parameters else name
    if isinstance(value, dict) and "Fn::GetAtt" in value:
        argument = value["Fn::GetAtt"]
        name, attribute = (str(part) for part in argument) if isinstance(argument, list) else argument.split(".", 1)
        if f"{name}.{attribute}" in names:
            return names[f"{name}.{attribute}"]
        local_id = local_value({"Ref": name}, template, names)
        return f"arn:aws:local:::{local_id}" if attribute == "Arn" else local_id
    return value


# --- tables --------------------------------------------------------------------------------------------------


def table_definitions(template: dict[str, Any] | None = None) -> dict[str, dict[str, Any]]:
    """boto3 ``create_table`` arguments for every AWS::DynamoDB::Table, named by logical id."""
    tables = {}
    for name, res in resources("AWS::DynamoDB::Table", template).items():
        props = res["Properties"]
        definition: dict[str, Any] = {
            "TableName": name,
            "AttributeDefinitions": props["AttributeDefinitions"],
            "KeySchema": props["KeySchema"],
            "BillingMode": props.get("BillingMode", "PAY_PER_REQUEST"),
        }
        if props.get("GlobalSecondaryIndexes"):
            definition["GlobalSecondaryIndexes"] = props["GlobalSecondaryIndexes"]
        tables[name] = definition
    return tables


def create_tables(dynamodb_client: Any, template: dict[str, Any] | None = None) -> list[str]:
    names = []
    for definition in table_definitions(template).values():
        dynamodb_client.create_table(**definition)
        names.append(definition["TableName"])
    return names


# --- functions and routes ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    function: str

    @property
    def key(self) -> str:
        return f"{self.method} {self.path}"


@dataclass(frozen=True)
class FunctionSpec:
    name: str
    module: str
    attribute: str
    timeout_s: int
    memory_mb: int
    environment: dict[str, str] = field(default_factory=dict)
    routes: tuple[Route, ...] = ()
    code_uri: str = ""
    """The function's folder, relative to the repository (Lambda's ``/var/task``)."""
    handler: str = ""
    """The template's ``Handler`` (``app.handler``), as the Runtime Interface Client takes it."""

    def load_handler(self) -> Callable[[dict[str, Any], Any], dict[str, Any]]:
        handler: Callable[[dict[str, Any], Any], dict[str, Any]] = getattr(
            importlib.import_module(self.module), self.attribute
        )
        return handler


def functions(
    template: dict[str, Any] | None = None, names: Mapping[str, str] | None = None
) -> dict[str, FunctionSpec]:
    """Every AWS::Serverless::Function; its environment's !Ref and !GetAtt resolved with ``names`` (``local_value``):
    a queue's URL, ARN and name as the emulator has them, when the local stack created it."""
    template = template or load_template()
    globals_ = template.get("Globals", {}).get("Function", {})
    specs = {}
    for name, res in resources("AWS::Serverless::Function", template).items():
        props = res["Properties"]
        code_uri = str(props["CodeUri"]).strip("/")
        module_file, attribute = str(props["Handler"]).rsplit(".", 1)
        env = {
            **globals_.get("Environment", {}).get("Variables", {}),
            **props.get("Environment", {}).get("Variables", {}),
        }
        routes = tuple(
            Route(str(ev["Properties"]["Method"]).upper(), str(ev["Properties"]["Path"]), name)
            for ev in props.get("Events", {}).values()
            if ev["Type"] == "HttpApi"
        )
        specs[name] = FunctionSpec(
            name=name,
            module=f"{code_uri.replace('/', '.')}.{module_file}",
            attribute=attribute,
            timeout_s=int(props.get("Timeout", globals_.get("Timeout", 3))),
            memory_mb=int(props.get("MemorySize", globals_.get("MemorySize", 128))),
            environment={k: str(local_value(v, template, names)) for k, v in env.items()},
            routes=routes,
            code_uri=code_uri,
            handler=str(props["Handler"]),
        )
    return specs


def routes(template: dict[str, Any] | None = None) -> list[Route]:
    return [route for spec in functions(template).values() for route in spec.routes]


# --- throttling ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Throttle:
    rate_per_s: float
    burst: int


def throttling(template: dict[str, Any] | None = None) -> tuple[Throttle, dict[str, Throttle]]:
    """The HttpApi's default route throttling and its per-route settings (keyed 'METHOD /path')."""
    (api,) = resources("AWS::Serverless::HttpApi", template).values()
    props = api["Properties"]

    def throttle(settings: dict[str, Any]) -> Throttle:
        return Throttle(float(settings["ThrottlingRateLimit"]), int(settings["ThrottlingBurstLimit"]))

    default = throttle(props["DefaultRouteSettings"])
    per_route = {key: throttle(value) for key, value in props.get("RouteSettings", {}).items()}
    return default, per_route


def cors(template: dict[str, Any] | None = None) -> dict[str, Any]:
    (api,) = resources("AWS::Serverless::HttpApi", template).values()
    config: dict[str, Any] = api["Properties"].get("CorsConfiguration", {})
    return config


def parameter_default(name: str, template: dict[str, Any] | None = None) -> Any:
    template = template or load_template()
    return template["Parameters"][name].get("Default")
