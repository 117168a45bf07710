"""template.yaml's intrinsic functions (``Ref``, ``Fn::Sub``, ``Fn::GetAtt``) resolved to local values: pseudo
parameters, parameters' defaults, and the physical ids of resources the local stack created under another name."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from local import cfn

PSEUDO_PARAMETERS = {
    "AWS::AccountId": "123456789012",
    "AWS::Partition": "aws",
    "AWS::URLSuffix": "amazonaws.com",
    "AWS::StackName": "local",
    "AWS::NoValue": "",
}

_SUB_VARIABLE = re.compile(r"\$\{(!?)([^}]+)\}")


def resolve(value: Any, names: Mapping[str, str], template: dict[str, Any] | None = None) -> Any:
    """``value`` with ``Ref``, ``Fn::Sub`` and ``Fn::GetAtt`` resolved: ``names`` gives the local value of pseudo
    parameters (``AWS::Region``...) and of resources created under another name (the user pool's id, a queue's URL,
    its ``Queue.Arn``); otherwise a parameter is its default and a resource its logical id, as in
    ``cfn.local_value``."""
    template = template or cfn.load_template()

    def ref(name: str) -> str:
        if name in names:
            return names[name]
        if name in PSEUDO_PARAMETERS:
            return PSEUDO_PARAMETERS[name]
        return str(cfn.local_value({"Ref": name}, template))

    def get_att(name: str, attribute: str) -> str:
        return str(cfn.local_value({"Fn::GetAtt": [name, attribute]}, template, names))

    def substitute(text: str, variables: Mapping[str, Any]) -> str:
        def one(match: re.Match[str]) -> str:
            if match.group(1):  # ${!Literal} stays ${Literal}
                return "${" + match.group(2) + "}"
            name = match.group(2)
            if name in variables:
                return str(resolve(variables[name], names, template))
            if "." in name and not name.startswith("AWS::"):
                return get_att(*name.split(".", 1))
            return ref(name)

        return _SUB_VARIABLE.sub(one, text)

    if isinstance(value, dict) and len(value) == 1:
        (key, argument), *_ = value.items()
        if key == "Ref":
            return ref(str(argument))
        if key == "Fn::GetAtt":
            name, attribute = argument if isinstance(argument, list) else str(argument).split(".", 1)
            return get_att(str(name), str(attribute))
        if key == "Fn::Sub":
            if isinstance(argument, list):
                return substitute(str(argument[0]), argument[1] if len(argument) > 1 else {})
            return substitute(str(argument), {})
    if isinstance(value, dict):
        return {key: resolve(item, names, template) for key, item in value.items()}
    if isinstance(value, list):
        return [resolve(item, names, template) for item in value]
    return value
