"""The shared layer's pins (layers/shared/requirements.txt) are its whole runtime set, at the versions the tests run.

layers/shared/Makefile installs exactly these pins into the layer for Lambda's platform, so the pins must cover every
transitive runtime dependency (else pip would pick an unpinned version at build time), each pinned version must
satisfy what the other pins require, and each must be the version installed here, where the tests run (the dev
virtualenv installs requirements-dev.txt, which includes the layer's file). Dependencies are read from the
installed packages' metadata, with their markers evaluated for Lambda (CPython 3.13, Linux, arm64).
"""

from __future__ import annotations

import importlib.metadata
from collections.abc import Callable, Iterable
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

from local.cfn import ROOT

LAYER_REQUIREMENTS = ROOT / "layers" / "shared" / "requirements.txt"
DEV_REQUIREMENTS = ROOT / "requirements-dev.txt"

# What the markers of a dependency see in Lambda's python3.13 arm64 runtime (the rest: this interpreter's values).
LAMBDA_MARKERS = {
    "implementation_name": "cpython",
    "platform_python_implementation": "CPython",
    "python_version": "3.13",
    "python_full_version": "3.13.0",
    "sys_platform": "linux",
    "platform_system": "Linux",
    "platform_machine": "aarch64",
    "os_name": "posix",
}


def requirement_lines(path: Path) -> list[str]:
    """The requirement lines of a requirements file: comments, blank lines and options (-r, -c ...) left out."""
    lines = (line.split("#", 1)[0].strip() for line in path.read_text().splitlines())
    return [line for line in lines if line and not line.startswith("-")]


def exact_pins(lines: Iterable[str]) -> dict[str, Version]:
    """name -> version of `name==version` lines (names canonical); anything else is an error."""
    pins: dict[str, Version] = {}
    for line in lines:
        requirement = Requirement(line)
        specifiers = list(requirement.specifier)
        exact = len(specifiers) == 1 and specifiers[0].operator == "=="
        assert exact, f"{line}: not an exact pin"
        assert requirement.marker is None, f"{line}: a pin that applies everywhere"
        name = canonicalize_name(requirement.name)
        assert name not in pins, f"{name} pinned twice"
        pins[name] = Version(specifiers[0].version)
    return pins


def runtime_requirements(name: str) -> list[Requirement]:
    """What an installed distribution requires at run time in Lambda (no extras)."""
    requirements = [Requirement(text) for text in importlib.metadata.requires(name) or []]
    return [req for req in requirements if req.marker is None or req.marker.evaluate({**LAMBDA_MARKERS, "extra": ""})]


def unmet_dependencies(
    pins: dict[str, Version], requires: Callable[[str], list[Requirement]]
) -> list[tuple[str, str, str]]:
    """(pinned package, requirement, why) for each runtime requirement of a pin that no pin satisfies."""
    unmet = []
    for name in sorted(pins):
        for requirement in requires(name):
            dependency = canonicalize_name(requirement.name)
            if dependency not in pins:
                unmet.append((name, str(requirement), "not pinned"))
            elif not requirement.specifier.contains(pins[dependency], prereleases=True):
                unmet.append((name, str(requirement), f"pinned at {pins[dependency]}"))
    return unmet


LAYER_PINS = exact_pins(requirement_lines(LAYER_REQUIREMENTS))


def test_the_layer_pins_its_frameworks() -> None:
    assert {"aws-lambda-powertools", "fastapi", "mangum", "pydantic", "pynamodb"} <= LAYER_PINS.keys()


def test_the_dev_virtualenv_installs_the_layers_pins_and_pins_none_of_them_differently() -> None:
    dev_lines = DEV_REQUIREMENTS.read_text().splitlines()
    assert "-r layers/shared/requirements.txt" in (line.strip() for line in dev_lines)
    dev_pins = exact_pins(requirement_lines(DEV_REQUIREMENTS))
    both = LAYER_PINS.keys() & dev_pins.keys()
    assert {name: (LAYER_PINS[name], dev_pins[name]) for name in both if LAYER_PINS[name] != dev_pins[name]} == {}


@pytest.mark.parametrize("name", sorted(LAYER_PINS))
def test_each_pin_is_the_version_the_tests_run(name: str) -> None:
    assert Version(importlib.metadata.version(name)) == LAYER_PINS[name]


def test_the_pins_are_the_whole_transitive_runtime_set() -> None:
    assert unmet_dependencies(LAYER_PINS, runtime_requirements) == []


def test_the_checks_above_can_fail() -> None:
    requires = {"app": [Requirement("lib>=2")], "lib": [Requirement("helper (<2.0,>=1.0)")], "helper": []}
    pins = {"app": Version("1.0"), "lib": Version("2.1"), "helper": Version("1.5")}
    assert unmet_dependencies(pins, requires.__getitem__) == []
    assert unmet_dependencies({**pins, "lib": Version("1.9")}, requires.__getitem__) == [
        ("app", "lib>=2", "pinned at 1.9")
    ]
    del pins["helper"]
    assert unmet_dependencies(pins, requires.__getitem__) == [("lib", "helper<2.0,>=1.0", "not pinned")]
    # Markers are evaluated for Lambda: what applies before Python 3.11 only, or to an extra, is not a runtime need
    assert [req.name for req in runtime_requirements("pynamodb")] == ["botocore"]
    assert "uvicorn" in str(importlib.metadata.requires("fastapi"))
    assert "uvicorn" not in {req.name for req in runtime_requirements("fastapi")}
    with pytest.raises(AssertionError, match="not an exact pin"):
        exact_pins(["fastapi>=0.100"])
    with pytest.raises(AssertionError, match="not an exact pin"):
        exact_pins(["fastapi"])
    with pytest.raises(AssertionError, match="pinned twice"):
        exact_pins(["six==1.17.0", "Six==1.16.0"])
