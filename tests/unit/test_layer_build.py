"""The shared layer is built by layers/shared/Makefile (template.yaml: BuildMethod makefile) and ships bytecode.

The build itself needs the network (pip downloads the arm64 wheels), so it is not run here: `make -n` prints the
commands the `build-SharedLayer` target would run for SAM, with its variables expanded, and the tests read those.
"""

from __future__ import annotations

import os
import shlex
import subprocess
from pathlib import Path

import pytest

from local import cfn

LAYER_DIR = cfn.ROOT / "layers" / "shared"
MAKEFILE = LAYER_DIR / "Makefile"
PYTHON = "/opt/python3.13/bin/python3.13"  # any name: the dry run does not start it


def dry_run(artifacts_dir: Path, makefile: Path = MAKEFILE) -> list[list[str]]:
    """The commands of `make build-SharedLayer` for that ARTIFACTS_DIR, each split into its arguments."""
    # Not the environment of a make running these tests (make test): its MAKEFLAGS and MAKELEVEL would reach this make.
    env = {key: value for key, value in os.environ.items() if key not in {"MAKEFLAGS", "MFLAGS", "MAKELEVEL"}}
    printed = subprocess.run(
        ["make", "--no-print-directory", "-n", "-f", str(makefile), "build-SharedLayer", f"LAYER_PYTHON={PYTHON}"],
        env={**env, "ARTIFACTS_DIR": str(artifacts_dir)},
        cwd=artifacts_dir,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    # A recipe line continued with a backslash is printed as it is given to the shell: backslash, newline, tab.
    lines = printed.replace("\\\n\t", " ").replace("\\\n", " ").splitlines()
    return [shlex.split(line) for line in lines if line.strip()]


def index_of(commands: list[list[str]], *start: str) -> int:
    (found,) = (i for i, argv in enumerate(commands) if argv[: len(start)] == list(start))
    return found


def option(argv: list[str], name: str) -> str:
    return argv[argv.index(name) + 1]


def test_the_template_builds_the_shared_layer_with_its_makefile_for_arm64() -> None:
    (layer,) = cfn.resources("AWS::Serverless::LayerVersion").values()
    assert layer["Metadata"]["BuildMethod"] == "makefile"
    assert layer["Metadata"]["BuildArchitecture"] == "arm64"
    assert layer["Properties"]["CompatibleArchitectures"] == ["arm64"]
    assert layer["Properties"]["CompatibleRuntimes"] == ["python3.13"]
    assert (cfn.ROOT / layer["Properties"]["ContentUri"]).resolve() == LAYER_DIR
    assert "\nbuild-SharedLayer:" in MAKEFILE.read_text()  # the target SAM runs: build-<logical id>


@pytest.fixture(scope="module")
def commands(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[list[str]]]:
    artifacts = tmp_path_factory.mktemp("artifacts")
    return artifacts / "python", dry_run(artifacts)


def test_pip_installs_the_pinned_wheels_for_lambdas_platform_into_the_layer(
    commands: tuple[Path, list[list[str]]],
) -> None:
    target, argv_list = commands
    pip = argv_list[index_of(argv_list, PYTHON, "-m", "pip", "install")]
    assert option(pip, "--platform") == "manylinux2014_aarch64"
    assert option(pip, "--implementation") == "cp"
    assert option(pip, "--python-version") == "3.13"
    assert "--only-binary=:all:" in pip
    assert option(pip, "--target") == str(target)
    assert Path(option(pip, "-r")) == LAYER_DIR / "requirements.txt"
    # pip's own configuration decides where packages come from; the build adds no index
    assert not {"-i", "--index-url", "--extra-index-url", "--find-links", "-f"} & set(pip)


def test_our_package_is_copied_without_bytecode_or_tests(commands: tuple[Path, list[list[str]]]) -> None:
    target, argv_list = commands
    copy = argv_list[index_of(argv_list, PYTHON, "-c")]
    assert copy[-2:] == [str(LAYER_DIR / "early_learning"), str(target / "early_learning")]
    assert all(f'"{pattern}"' in copy[2] for pattern in ("__pycache__", "*.pyc", "tests"))


def test_everything_in_the_layer_is_compiled_last_to_unchecked_hash_bytecode(
    commands: tuple[Path, list[list[str]]],
) -> None:
    target, argv_list = commands
    compiled = index_of(argv_list, PYTHON, "-m", "compileall")
    compileall = argv_list[compiled]
    assert option(compileall, "--invalidation-mode") == "unchecked-hash"
    assert "-f" in compileall  # rewrite any .pyc already there: none may stay timestamp-based
    assert "-l" not in compileall  # every directory, not only the top one
    assert compileall[-1] == str(target)
    # After everything that puts modules into the layer (pip, the copy of our package): nothing is left uncompiled
    assert compiled == len(argv_list) - 1
    assert compiled > index_of(argv_list, PYTHON, "-m", "pip", "install")
    assert compiled > index_of(argv_list, PYTHON, "-c")


def test_the_layer_is_built_from_scratch_in_the_artifacts_directory(commands: tuple[Path, list[list[str]]]) -> None:
    target, argv_list = commands
    assert argv_list.index(["rm", "-rf", str(target)]) < index_of(argv_list, PYTHON, "-m", "pip", "install")
    writes = [argv for argv in argv_list if argv[0] in {"rm", "mkdir"}]
    assert all(Path(argv[-1]).is_relative_to(target) for argv in writes), writes


def test_the_checks_above_can_fail(tmp_path: Path) -> None:
    assert index_of([["a", "b"], ["c"]], "c") == 1
    with pytest.raises(ValueError, match="not enough values"):
        index_of([["a", "b"]], "b")
    with pytest.raises(ValueError, match="too many values"):
        index_of([["a"], ["a", "b"]], "a")
    # The dry run reads what a Makefile really does: here timestamp bytecode, compiled before pip installs anything
    wrong = tmp_path / "Makefile"
    wrong.write_text(
        "build-SharedLayer:\n"
        '\t$(LAYER_PYTHON) -m compileall --invalidation-mode timestamp "$(ARTIFACTS_DIR)/python"\n'
        '\t$(LAYER_PYTHON) -m pip install \\\n\t\t--target "$(ARTIFACTS_DIR)/python" -r requirements.txt\n'
    )
    argv_list = dry_run(tmp_path, wrong)
    compiled = index_of(argv_list, PYTHON, "-m", "compileall")
    assert option(argv_list[compiled], "--invalidation-mode") == "timestamp"
    assert compiled < index_of(argv_list, PYTHON, "-m", "pip", "install")
    assert option(argv_list[-1], "--target") == str(tmp_path / "python")
    wrong.write_text("other:\n\ttrue\n")  # no build-SharedLayer target: make fails
    with pytest.raises(subprocess.CalledProcessError):
        dry_run(tmp_path, wrong)
