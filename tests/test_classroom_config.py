"""The class-hub configuration files in classroom/ (docs/classroom.md): each checked by its own tool.

- The JupyterHub configs (the measuring hub's, and the extra file for The Littlest JupyterHub):
  every setting is one JupyterHub's classes accept, with a value of the right type, checked
  with the classes themselves (what traitlets checks when the hub starts).
- The students' nbgrader config, and the one Zero to JupyterHub mounts: the same, with nbgrader's.
- The Helm values for Zero to JupyterHub: the chart's values schema is not on PyPI, npm or in
  Debian, and helm is not installed here, so they are checked against the part of the chart's
  schema they use, written out below from the chart's `values.schema.yaml` (the same keys,
  types and `additionalProperties: false`), and their resources against the measurements.
- The hub image's additions: repo2docker (in --no-build mode, without Docker) accepts them.
"""

from __future__ import annotations

import copy
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from traitlets import HasTraits, TraitError
from traitlets.config import Config, PyFileConfigLoader

ROOT = Path(__file__).resolve().parent.parent
CLASSROOM = ROOT / "classroom"

# The part of the jupyterhub Helm chart's values schema this repository's config.yaml uses,
# transcribed from jupyterhub/values.schema.yaml (zero-to-jupyterhub-k8s, commit 02dd73d, chart 4.x):
# same key names and types; `additionalProperties: false` wherever the chart has it.
_NULLABLE_INT = {"type": ["integer", "null"]}
_OBJECT = {"type": "object", "additionalProperties": False}
HELM_SCHEMA: dict[str, Any] = {
    **_OBJECT,
    "properties": {
        "singleuser": {
            **_OBJECT,
            "properties": {
                "image": {
                    **_OBJECT,
                    "required": ["name", "tag"],
                    "properties": {"name": {"type": "string"}, "tag": {"type": "string"}},
                },
                "defaultUrl": {"type": ["string", "null"]},
                "memory": {
                    **_OBJECT,
                    "properties": {
                        "limit": {"type": ["number", "string", "null"]},
                        "guarantee": {"type": ["number", "string", "null"]},
                    },
                },
                "cpu": {
                    **_OBJECT,
                    "properties": {
                        "limit": {"type": ["number", "null"]},
                        "guarantee": {"type": ["number", "null"]},
                    },
                },
                "extraEnv": {"type": ["object", "array"]},
                "storage": {
                    **_OBJECT,
                    "properties": {
                        "homeMountPath": {"type": "string"},
                        "extraVolumes": {"type": ["array", "object"]},
                        "extraVolumeMounts": {"type": ["array", "object"]},
                    },
                },
                "extraFiles": {
                    "type": "object",
                    "additionalProperties": False,
                    "patternProperties": {
                        ".*": {
                            **_OBJECT,
                            "required": ["mountPath"],
                            "oneOf": [
                                {"required": ["data"]},
                                {"required": ["stringData"]},
                                {"required": ["binaryData"]},
                            ],
                            "properties": {
                                "mountPath": {"type": "string"},
                                "data": {"type": "object"},
                                "stringData": {"type": "string"},
                                "binaryData": {"type": "string"},
                                "mode": {"type": "number"},
                            },
                        }
                    },
                },
            },
        },
        "cull": {
            **_OBJECT,
            "required": ["enabled"],
            "properties": {
                "enabled": {"type": "boolean"},
                "timeout": _NULLABLE_INT,
                "every": _NULLABLE_INT,
                "maxAge": _NULLABLE_INT,
            },
        },
    },
}
# JupyterHub's byte sizes (jupyterhub.traitlets.ByteSpecification, which KubeSpawner uses):
# K, M, G, T are powers of 1024.
UNITS = {"K": 2**10, "M": 2**20, "G": 2**30, "T": 2**40}


def helm_values() -> dict[str, Any]:
    """config.yaml as helm would see it with docs/classroom.md's --set-file for the nbgrader config."""
    values: dict[str, Any] = yaml.safe_load((CLASSROOM / "config.yaml").read_text())
    files = values["singleuser"]["extraFiles"]
    files["nbgrader-config"]["stringData"] = (CLASSROOM / "nbgrader_config.py").read_text()
    return values


def megabytes(size: str | float) -> float:
    """A JupyterHub memory size ("1.5G", or bytes) in MiB."""
    if isinstance(size, (int, float)):
        return size / 2**20
    number, unit = re.fullmatch(r"([0-9.]+)([KMGT])", size).groups()  # type: ignore[union-attr]
    return float(number) * UNITS[unit] / 2**20


def settings(path: Path, env: dict[str, str] | None = None) -> Config:
    """The settings a traitlets config file makes (what JupyterHub or nbgrader would load)."""
    loader = PyFileConfigLoader(path.name, str(path.parent))
    if env is None:
        return loader.load_config()
    with pytest.MonkeyPatch.context() as patch:
        for name, value in env.items():
            patch.setenv(name, value)
        return loader.load_config()


def assert_known(config: Config, classes: dict[str, type]) -> int:
    """Every setting is a configurable trait of the named class and its value passes the trait."""
    checked = 0
    for section, values in config.items():
        assert section in classes, f"{section} is not one of {sorted(classes)}"
        traits = classes[section].class_traits(config=True)
        for key, value in values.items():
            assert key in traits, f"{section}.{key} is not a setting of {classes[section].__name__}"
            probe = HasTraits()
            probe.add_traits(**{key: copy.deepcopy(traits[key])})
            setattr(probe, key, value)  # raises TraitError for a value of the wrong type
            checked += 1
    return checked


def jupyterhub_classes() -> dict[str, type]:
    pytest.importorskip("jupyterhub", reason="JupyterHub is in requirements-dev.txt")
    from jupyterhub.app import JupyterHub
    from jupyterhub.auth import Authenticator, DummyAuthenticator
    from jupyterhub.proxy import ConfigurableHTTPProxy
    from jupyterhub.spawner import SimpleLocalProcessSpawner, Spawner

    classes = [
        JupyterHub,
        Authenticator,
        DummyAuthenticator,
        ConfigurableHTTPProxy,
        Spawner,
        SimpleLocalProcessSpawner,
    ]
    return {cls.__name__: cls for cls in classes}


def test_the_measuring_hubs_config_has_only_settings_jupyterhub_knows():
    env = {
        "CLASSROOM_RUN_DIR": "/tmp/run",
        "CLASSROOM_PROXY_PORT": "8000",
        "CLASSROOM_HUB_PORT": "8081",
        "CLASSROOM_PROXY_API_PORT": "8001",
        "CLASSROOM_PROXY_COMMAND": "configurable-http-proxy",
        "CLASSROOM_PASSWORD": "test",
        "CLASSROOM_SINGLEUSER": "jupyterhub-singleuser",
        "CLASSROOM_REPOSITORY": str(ROOT),
        "CLASSROOM_API_TOKEN": "0" * 64,
        "CLASSROOM_THREADS": "1",
    }
    config = settings(ROOT / "research" / "classroom" / "measure_hub_config.py", env)
    assert assert_known(config, jupyterhub_classes()) >= 20
    assert config.JupyterHub.ip == config.JupyterHub.hub_ip == "127.0.0.1"
    assert config.ConfigurableHTTPProxy.api_url.startswith("http://127.0.0.1:")
    assert config.Spawner.environment["TUTORIAL_THREADS"] == "1"


def test_a_misspelt_setting_or_a_wrong_type_fails_the_check():
    with pytest.raises(AssertionError, match=r"Spawner\.enviroment is not a setting of Spawner"):
        assert_known(Config({"Spawner": {"enviroment": {}}}), jupyterhub_classes())
    with pytest.raises(TraitError):
        assert_known(Config({"JupyterHub": {"port": "8000"}}), jupyterhub_classes())


def test_the_tljh_extra_config_has_only_settings_jupyterhub_knows():
    config = settings(CLASSROOM / "tljh_tutorial.py")
    assert assert_known(config, jupyterhub_classes()) == 2
    assert set(config.Spawner.environment) == {"MNIST_NPZ"}


def nbgrader_classes() -> dict[str, type]:
    pytest.importorskip("nbgrader", reason="nbgrader is in requirements-dev.txt")
    from nbgrader.coursedir import CourseDirectory
    from nbgrader.exchange.default import Exchange  # the filesystem exchange

    return {"CourseDirectory": CourseDirectory, "Exchange": Exchange}


def test_the_students_nbgrader_configs_have_only_settings_nbgrader_knows(tmp_path):
    course = settings(CLASSROOM / "nbgrader_config.py")
    assert assert_known(course, nbgrader_classes()) == 2
    instructor = settings(ROOT / "exercises" / "nbgrader_config.py")
    assert course.CourseDirectory.course_id == instructor.CourseDirectory.course_id
    for name, extra in helm_values()["singleuser"]["extraFiles"].items():
        if extra["mountPath"].endswith("nbgrader_config.py"):
            (tmp_path / name).mkdir()
            (tmp_path / name / "nbgrader_config.py").write_text(extra["stringData"])
            assert assert_known(settings(tmp_path / name / "nbgrader_config.py"), nbgrader_classes()) >= 1


def test_the_helm_values_use_only_keys_of_the_charts_schema():
    jsonschema.validate(helm_values(), HELM_SCHEMA)
    wrong = helm_values()
    wrong["singleuser"]["memory"]["limt"] = "2G"  # a misspelt key fails, as with the chart's schema
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(wrong, HELM_SCHEMA)


def test_the_helm_resources_follow_the_measurements():
    singleuser = helm_values()["singleuser"]
    rounds = json.loads((ROOT / "research" / "classroom" / "classroom.json").read_text())["rounds"]
    threads = singleuser.get("extraEnv", {}).get("TUTORIAL_THREADS", "2")  # 2: utils.setup's default
    measured = [r for r in rounds if str(r["tensorflow_threads"]) == threads and r["failures"] == 0]
    assert measured, f"no measured round without failures has TUTORIAL_THREADS={threads}"
    peak = max(student["peak_mb"] for r in measured for student in r["per_student"])
    guarantee, limit = megabytes(singleuser["memory"]["guarantee"]), megabytes(singleuser["memory"]["limit"])
    assert peak <= guarantee <= limit, (
        f"measured peak {peak:.0f} MiB, guarantee {guarantee:.0f}, limit {limit:.0f}"
    )
    # the CPU guarantee lets a whole class run notebook 3 at once and finish within 10 minutes
    largest = max(measured, key=lambda r: r["students"])
    cpu_seconds = sum(s["cpu_seconds"] for s in largest["per_student"]) / largest["students"]
    assert cpu_seconds / 600 <= singleuser["cpu"]["guarantee"] <= singleuser["cpu"]["limit"]


def test_repo2docker_accepts_the_hub_images_additions():
    appendix = (CLASSROOM / "appendix.Dockerfile").read_text()
    result = subprocess.run(
        [
            str(Path(sys.executable).parent / "repo2docker"),
            "--no-build",
            "--debug",
            "--appendix",
            appendix,
            str(ROOT),
        ],
        check=False,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    dockerfile = result.stdout + result.stderr
    run = appendix[appendix.index("RUN ") :].strip()
    assert run in dockerfile, "repo2docker's Dockerfile does not end with the appendix"
    assert dockerfile.index("RUN ./binder/postBuild") < dockerfile.index(run)
