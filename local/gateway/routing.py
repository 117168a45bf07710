"""API Gateway's route selection for the template's routes: the most specific path wins."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from local import cfn


@dataclass(frozen=True)
class RouteMatcher:
    """API Gateway's route selection: the most specific path wins (literal segments before ``{param}``, which come
    before greedy ``{proxy+}``); ``ANY`` matches every method. A path no route matches is 404."""

    routes: tuple[tuple[cfn.Route, re.Pattern[str], tuple[str, ...]], ...]

    @classmethod
    def of(cls, routes: Sequence[cfn.Route]) -> RouteMatcher:
        compiled = []
        for route in routes:
            names: list[str] = []
            parts = []
            for segment in route.path.strip("/").split("/"):
                param = re.fullmatch(r"\{([^}+]+)(\+?)\}", segment)
                if param is None:
                    parts.append(re.escape(segment))
                else:
                    names.append(param.group(1))
                    parts.append("(.+)" if param.group(2) else "([^/]+)")
            compiled.append((route, re.compile("/" + "/".join(parts)), tuple(names)))

        def specificity(item: tuple[cfn.Route, re.Pattern[str], tuple[str, ...]]) -> tuple[int, int, int, bool]:
            route = item[0]
            return (route.path.count("+}"), len(item[2]), -len(route.path), route.method == "ANY")

        return cls(tuple(sorted(compiled, key=specificity)))

    def match(self, method: str, path: str) -> tuple[cfn.Route, dict[str, str]] | None:
        for route, pattern, names in self.routes:
            found = pattern.fullmatch(path)
            if found and route.method in (method, "ANY"):
                return route, dict(zip(names, found.groups(), strict=True))
        return None
