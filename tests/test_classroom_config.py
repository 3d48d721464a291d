"""The class-hub configuration files in classroom/ (docs/classroom.md): each checked by its own tool.

- Login: every shipped hub (Zero to JupyterHub's values, The Littlest JupyterHub's settings, and
  the measuring rig's hub) is turned into the settings its hub would run with, defaults included,
  and its own authenticator class is asked whether it lets in a name that is not on the class
  list: a hub that falls back to an allow-all login (the chart's `dummy`, TLJH's first-use
  login, `allow_all`) fails.
- The JupyterHub, Jupyter Server and nbgrader settings: every setting is one the classes accept,
  with a value of the right type, checked with the classes themselves (what traitlets checks
  when the hub or server starts).
- The Helm values for Zero to JupyterHub: the chart's values schema is not on PyPI, npm or in
  Debian, and helm is not installed here, so they are checked against the part of the chart's
  schema they use, transcribed into tests/classroom/ from the chart's `values.schema.yaml` (the
  same keys, types and `additionalProperties: false`). The settings for The Littlest JupyterHub
  likewise against TLJH's `config_schema.py`.
- The lessons' hand-out at each server start (Zero to JupyterHub's postStart hook) is run here.
- The hub image's additions: repo2docker (in --no-build mode, without Docker) accepts them.
"""

from __future__ import annotations

import asyncio
import copy
import hashlib
import inspect
import json
import os
import shlex
import sys
import sysconfig
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from traitlets import HasTraits, TraitError
from traitlets.config import Config, JSONFileConfigLoader, PyFileConfigLoader

from support import ROOT, python, run

CLASSROOM = ROOT / "classroom"
MEASURING_HUB = ROOT / "research" / "classroom" / "measure_hub_config.py"

# The chart's and TLJH's schemas, for the parts of them the shipped files use, transcribed into
# tests/classroom/ with where each came from; and the defaults each hub merges a user's values over.
HELM = json.loads((ROOT / "tests" / "classroom" / "zero-to-jupyterhub-4.4.0.json").read_text())
HELM_SCHEMA, HELM_HUB_CONFIG_DEFAULTS = HELM["schema"], HELM["hub_config_defaults"]
TLJH = json.loads((ROOT / "tests" / "classroom" / "tljh-2.0.json").read_text())
TLJH_SCHEMA, TLJH_DEFAULTS = TLJH["schema"], TLJH["defaults"]


def merged(defaults: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    """``values`` over ``defaults``, maps merged key by key (as Helm and TLJH merge their settings)."""
    result = copy.deepcopy(defaults)
    for key, value in values.items():
        if isinstance(value, dict) and isinstance(result.get(key), dict):
            result[key] = merged(result[key], value)
        else:
            result[key] = copy.deepcopy(value)
    return result


def helm_values() -> dict[str, Any]:
    """config.yaml as helm would see it with docs/classroom.md's --set-file for kernel culling."""
    values: dict[str, Any] = yaml.safe_load((CLASSROOM / "config.yaml").read_text())
    files = values["singleuser"]["extraFiles"]
    files["kernel-culling"]["stringData"] = (CLASSROOM / "jupyter_server_config.json").read_text()
    return values


def helm_hub_settings(values: dict[str, Any]) -> Config:
    """The JupyterHub settings a Zero to JupyterHub hub runs with: hub.config over the chart's."""
    return Config(merged(HELM_HUB_CONFIG_DEFAULTS, values.get("hub", {}).get("config", {})))


def tljh_settings(tljh: dict[str, Any]) -> Config:
    """The JupyterHub settings TLJH's configurer (tljh/configurer.py) makes of its config.yaml.

    Login (auth.type, auth.<Class>.<setting>, users.*), limits and the default interface; the
    proxy, HTTPS and the culler are TLJH's own services, not JupyterHub settings."""
    settings = merged(TLJH_DEFAULTS, tljh)
    auth, users = settings["auth"], settings["users"]
    config = Config()
    config.JupyterHub.authenticator_class = auth["type"]
    for section, values in auth.items():
        if section == "type":
            continue
        assert section[0].isupper() and isinstance(values, dict), f"TLJH rejects auth.{section}"
        for key, value in values.items():
            if value is not None:
                config[section][key] = value
    if not users["allowed"] and auth["type"] == TLJH_DEFAULTS["auth"]["type"]:
        config.FirstUseAuthenticator.allow_all = True  # TLJH's first-use login, open to anyone
    config.Authenticator.allowed_users = set(users["allowed"])
    config.Authenticator.blocked_users = set(users["banned"])
    config.Authenticator.admin_users = set(users["admin"])
    config.Spawner.mem_limit = settings["limits"]["memory"]
    config.Spawner.cpu_limit = settings["limits"]["cpu"]
    default_url = {"jupyterlab": "/lab", "classic": "/tree"}
    config.Spawner.default_url = default_url[settings["user_environment"]["default_app"]]
    return config


def tljh_file() -> dict[str, Any]:
    settings: dict[str, Any] = yaml.safe_load((CLASSROOM / "tljh-config.yaml").read_text())
    return settings


def settings(path: Path, env: dict[str, str] | None = None) -> Config:
    """The settings a traitlets config file (.py or .json) makes, as its application would load it."""
    loader_class = JSONFileConfigLoader if path.suffix == ".json" else PyFileConfigLoader
    loader = loader_class(path.name, str(path.parent))
    if env is None:
        return loader.load_config()
    with pytest.MonkeyPatch.context() as patch:
        for name, value in env.items():
            patch.setenv(name, value)
        return loader.load_config()


MEASURING_ENV = {
    "CLASSROOM_RUN_DIR": "/tmp/run",
    "CLASSROOM_PROXY_PORT": "8000",
    "CLASSROOM_HUB_PORT": "8081",
    "CLASSROOM_PROXY_API_PORT": "8001",
    "CLASSROOM_PROXY_COMMAND": "configurable-http-proxy",
    "CLASSROOM_STUDENTS": "student01,student02",
    "CLASSROOM_PASSWORD": "a-test-password",
    "CLASSROOM_SINGLEUSER": "jupyterhub-singleuser",
    "CLASSROOM_REPOSITORY": str(ROOT),
    "CLASSROOM_API_TOKEN": "0" * 64,
    "CLASSROOM_THREADS": "1",
}


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
    from jupyterhub.app import JupyterHub
    from jupyterhub.auth import Authenticator, DummyAuthenticator
    from jupyterhub.authenticators.shared import SharedPasswordAuthenticator
    from jupyterhub.proxy import ConfigurableHTTPProxy
    from jupyterhub.spawner import SimpleLocalProcessSpawner, Spawner
    from oauthenticator.github import GitHubOAuthenticator

    classes = [
        JupyterHub,
        Authenticator,
        DummyAuthenticator,
        SharedPasswordAuthenticator,
        GitHubOAuthenticator,
        ConfigurableHTTPProxy,
        Spawner,
        SimpleLocalProcessSpawner,
    ]
    return {cls.__name__: cls for cls in classes}


# What checks each file an administrator deploys (classroom/): a new file must be added here.
CHECKED = {
    "config.yaml": "the chart's schema, the login, the hand-out hook (and the sizing's guarantees)",
    "tljh-config.yaml": "TLJH's schema, the login (here and on a real hub), the limits",
    "tljh_tutorial.py": "JupyterHub's classes: one setting, no login setting",
    "jupyter_server_config.json": "Jupyter Server's classes",
    "nbgrader_config.py": "nbgrader's classes",
    "appendix.Dockerfile": "repo2docker, and JupyterLab's page configuration (Validate on, the rest off)",
}


def test_every_file_an_administrator_deploys_is_checked():
    shipped = sorted(
        path.name for path in CLASSROOM.iterdir() if not path.name.startswith(".")
    )  # not editors' files
    assert shipped == sorted(CHECKED)


# --- login: no shipped hub lets in a name that is not on its list ---------------------------------


def authenticator(config: Config) -> Any:
    """The authenticator a hub with these settings would run: its class (as JupyterHub resolves
    ``authenticator_class``, entry-point names included), configured with the settings."""
    from jupyterhub.app import JupyterHub

    trait = JupyterHub.class_traits()["authenticator_class"]
    cls = trait.validate(None, config.JupyterHub.authenticator_class)
    return cls(config=config)


def lets_in(hub: Any, name: str) -> bool:
    """Whether the authenticator lets ``name`` in once the identity provider vouched for it."""
    model = {"name": name, "admin": name in hub.admin_users, "auth_state": {"scope": []}}
    allowed = hub.check_allowed(name, model)  # a coroutine for OAuthenticator, a bool for JupyterHub's
    return bool(asyncio.run(allowed) if inspect.isawaitable(allowed) else allowed)


def shipped_hubs() -> dict[str, Config]:
    return {
        "classroom/config.yaml (Zero to JupyterHub)": helm_hub_settings(helm_values()),
        "classroom/tljh-config.yaml (The Littlest JupyterHub)": tljh_settings(tljh_file()),
        "research/classroom/measure_hub_config.py (the measuring rig)": settings(
            MEASURING_HUB, MEASURING_ENV
        ),
    }


def refuses_strangers(config: Config) -> list[str]:
    """What lets anyone in (empty if nothing does): the problems, in words."""
    try:
        hub = authenticator(config)
    except TraitError as error:  # e.g. TLJH's first-use login, which is not installed here
        return [f"its authenticator {config.JupyterHub.authenticator_class!r} cannot be loaded: {error}"]
    problems = []
    if hub.allow_all:
        problems.append(f"{type(hub).__name__}.allow_all is on")
    if lets_in(hub, "not-on-the-class-list"):
        problems.append(f"{type(hub).__name__} lets in a name that is not on the class list")
    for name in hub.allowed_users | hub.admin_users:
        if not lets_in(hub, name):
            problems.append(f"{name}, on the list, is refused")
    if not hub.allowed_users:
        problems.append("no class list (allowed users)")
    return problems


@pytest.mark.parametrize("hub", sorted(shipped_hubs()))
def test_no_shipped_hub_lets_in_a_name_that_is_not_on_its_list(hub):
    assert refuses_strangers(shipped_hubs()[hub]) == [], hub


def test_a_hub_that_falls_back_to_an_open_login_is_caught():
    # Zero to JupyterHub without a hub.config: the chart's dummy login takes any name.
    assert "DummyAuthenticator.allow_all is on" in refuses_strangers(helm_hub_settings({}))
    # TLJH without auth: its first-use login, open to anyone (not installed here: refused too).
    assert refuses_strangers(tljh_settings({})) != []
    # GitHub login with allow_all left on.
    open_github = tljh_settings(merged(tljh_file(), {"auth": {"GitHubOAuthenticator": {"allow_all": True}}}))
    assert "GitHubOAuthenticator.allow_all is on" in refuses_strangers(open_github)


def test_the_admins_are_not_the_class_and_https_is_on():
    tljh = tljh_file()
    assert tljh["users"]["admin"] and not set(tljh["users"]["admin"]) & set(tljh["users"]["allowed"]), (
        "TLJH gives its admins root: the administrator is not one of the class's accounts"
    )
    assert tljh["https"]["enabled"] and tljh["https"]["letsencrypt"]["domains"]
    values = helm_values()
    authenticator = values["hub"]["config"]["Authenticator"]
    assert authenticator["admin_users"] and not set(authenticator["admin_users"]) & set(
        authenticator["allowed_users"]
    )
    assert values["proxy"]["https"]["enabled"] and values["proxy"]["https"]["hosts"]
    # Both hubs call back to the address HTTPS serves.
    for callback, host in [
        (
            tljh["auth"]["GitHubOAuthenticator"]["oauth_callback_url"],
            tljh["https"]["letsencrypt"]["domains"][0],
        ),
        (
            values["hub"]["config"]["GitHubOAuthenticator"]["oauth_callback_url"],
            values["proxy"]["https"]["hosts"][0],
        ),
    ]:
        assert callback == f"https://{host}/hub/oauth_callback"


# --- every setting is one its application knows -------------------------------------------------------


def test_the_measuring_hubs_config_has_only_settings_jupyterhub_knows():
    config = settings(MEASURING_HUB, MEASURING_ENV)
    assert assert_known(config, jupyterhub_classes()) >= 20
    assert config.JupyterHub.ip == config.JupyterHub.hub_ip == "127.0.0.1"
    assert config.ConfigurableHTTPProxy.api_url.startswith("http://127.0.0.1:")
    assert config.Spawner.environment["TUTORIAL_THREADS"] == "1"


def test_a_misspelt_setting_or_a_wrong_type_fails_the_check():
    with pytest.raises(AssertionError, match=r"Spawner\.enviroment is not a setting of Spawner"):
        assert_known(Config({"Spawner": {"enviroment": {}}}), jupyterhub_classes())
    with pytest.raises(TraitError):
        assert_known(Config({"JupyterHub": {"port": "8000"}}), jupyterhub_classes())


def test_the_hubs_settings_are_ones_jupyterhub_and_its_authenticator_know():
    assert assert_known(Config(helm_values()["hub"]["config"]), jupyterhub_classes()) == 6
    tljh = tljh_settings(tljh_file())
    # TLJH always sets FirstUseAuthenticator.create_users: it does nothing with the GitHub login.
    assert tljh.pop("FirstUseAuthenticator") == {"create_users": False}
    assert assert_known(tljh, jupyterhub_classes()) == 9
    extra = settings(CLASSROOM / "tljh_tutorial.py")
    assert assert_known(extra, jupyterhub_classes()) == 1
    assert set(extra.Spawner.environment) == {"MNIST_NPZ"}


def test_kernel_culling_is_a_setting_jupyter_server_knows():
    from jupyter_server.services.kernels.kernelmanager import MappingKernelManager

    config = settings(CLASSROOM / "jupyter_server_config.json")
    assert assert_known(config, {"MappingKernelManager": MappingKernelManager}) == 3
    culling = config.MappingKernelManager
    # idle kernels go even with their notebook open, well before the hub stops an idle server
    assert (
        culling.cull_connected and 0 < culling.cull_idle_timeout < tljh_file()["services"]["cull"]["timeout"]
    )
    assert culling.cull_idle_timeout < helm_values()["cull"]["timeout"]


def nbgrader_classes() -> dict[str, type]:
    from nbgrader.coursedir import CourseDirectory
    from nbgrader.exchange.default import Exchange  # the filesystem exchange

    return {"CourseDirectory": CourseDirectory, "Exchange": Exchange}


def test_the_students_nbgrader_config_has_only_settings_nbgrader_knows():
    course = settings(CLASSROOM / "nbgrader_config.py")
    assert assert_known(course, nbgrader_classes()) == 2
    instructor = settings(ROOT / "exercises" / "nbgrader_config.py")
    assert course.CourseDirectory.course_id == instructor.CourseDirectory.course_id


# --- the schemas --------------------------------------------------------------------------------------


def test_the_helm_values_use_only_keys_of_the_charts_schema():
    jsonschema.validate(helm_values(), HELM_SCHEMA)
    for path, wrong in [
        (("singleuser", "memory"), {"limt": "2G"}),  # a misspelt key fails, as with the chart's schema
        (("proxy", "https"), {"type": "selfsigned"}),
        (("hub", "config"), {"authenticator": {"class": "github"}}),  # hub.config sections are classes
    ]:
        values = helm_values()
        section = values
        for key in path:
            section = section[key]
        section.update(wrong)
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(values, HELM_SCHEMA)


def test_the_tljh_settings_use_only_keys_of_tljhs_schema():
    jsonschema.validate(tljh_file(), TLJH_SCHEMA)
    for section, wrong in [("limits", {"mem": "2G"}), ("users", {"admins": ["x"]}), ("https", {"on": True})]:
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(merged(tljh_file(), {section: wrong}), TLJH_SCHEMA)
    # the limits are the ones the Helm values give each student (docs/classroom.md measures them)
    singleuser = helm_values()["singleuser"]
    assert tljh_file()["limits"] == {
        "memory": singleuser["memory"]["limit"],
        "cpu": singleuser["cpu"]["limit"],
    }


# --- the lessons' hand-out at each server start (Zero to JupyterHub) --------------------------------


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_hand_out_copies_the_lessons_once_and_never_overwrites_a_students_work(tmp_path):
    command = helm_values()["singleuser"]["lifecycleHooks"]["postStart"]["exec"]["command"]
    home = tmp_path / "jovyan"  # the image's home: the tutorial as repo2docker copies it
    image_notebooks = home / "notebooks"
    image_notebooks.mkdir(parents=True)
    for lesson in ["01_build_the_convnet_base.ipynb", "02_add_the_classifier_head.ipynb"]:
        (image_notebooks / lesson).write_bytes((ROOT / "notebooks" / lesson).read_bytes())
    release = home / "exercises" / "release" / "mnist"
    release.mkdir(parents=True)
    exercise = "01_predict_shapes_and_parameters.ipynb"
    (release / exercise).write_bytes((ROOT / "exercises" / "release" / "mnist" / exercise).read_bytes())
    env = {"HOME": str(home), "PATH": os.environ["PATH"]}

    run(*command, env=env)
    work = home / "work"
    assert digest(work / "notebooks" / "01_build_the_convnet_base.ipynb") == digest(
        image_notebooks / "01_build_the_convnet_base.ipynb"
    )
    assert (work / "exercises" / exercise).exists()

    # A student edits a lesson and deletes another; a new image brings a new lesson.
    (work / "notebooks" / "01_build_the_convnet_base.ipynb").write_text("the student's work")
    (work / "notebooks" / "02_add_the_classifier_head.ipynb").unlink()
    (image_notebooks / "03_new.ipynb").write_text("{}")
    run(*command, env=env)  # the next server start
    assert (work / "notebooks" / "01_build_the_convnet_base.ipynb").read_text() == "the student's work"
    assert (work / "notebooks" / "02_add_the_classifier_head.ipynb").exists(), "a deleted lesson comes back"
    assert (work / "notebooks" / "03_new.ipynb").exists()
    assert sorted(p.name for p in work.iterdir()) == ["exercises", "notebooks"]


# --- the hub image ------------------------------------------------------------------------------------


def test_repo2docker_accepts_the_hub_images_additions():
    appendix = (CLASSROOM / "appendix.Dockerfile").read_text()
    repo2docker = Path(sys.executable).parent / "repo2docker"
    result = run(repo2docker, "--no-build", "--debug", "--appendix", appendix, ROOT, timeout=300)
    dockerfile = result.stdout + result.stderr
    step = appendix[appendix.index("RUN ") :].strip()
    assert step in dockerfile, "repo2docker's Dockerfile does not end with the appendix"
    assert dockerfile.index("RUN ./binder/postBuild") < dockerfile.index(step)
    # On Kubernetes students have no exchange: the tabs that would use it are off and locked.
    for plugin in ["assignment-list", "course-list", "formgrader", "create-assignment"]:
        assert step.count(f"@jupyter/nbgrader:{plugin}") == 2, f"{plugin} is not disabled and locked"


def test_the_students_image_keeps_nbgrader_s_validate_button_and_nothing_else_of_it(tmp_path):
    """binder/postBuild installs the learners' JupyterLab settings, which switch nbgrader's whole
    JupyterLab extension off; the appendix's `jupyter labextension` lines, run after them in an
    environment of their own, must leave Validate on and the rest off and locked, as JupyterLab's
    own page configuration of that environment reads them."""
    assert (
        "pip install --no-cache-dir --no-deps ./jupyter-settings"
        in (ROOT / "binder" / "postBuild").read_text()
    )
    image = tmp_path / "image"
    python("-m", "venv", image)
    image_python = image / "bin" / "python"
    env = {**os.environ, "PYTHONPATH": sysconfig.get_paths()["purelib"]}  # this JupyterLab, that prefix
    run(image_python, "-m", "pip", "install", "--quiet", "--no-deps", ROOT / "jupyter-settings", env=env)
    labextension = Path(sys.executable).with_name("jupyter-labextension")
    lines = [
        line
        for line in (CLASSROOM / "appendix.Dockerfile").read_text().splitlines()
        if "labextension" in line
    ]
    assert len(lines) == 3, lines
    for line in lines:
        run(
            image_python,
            labextension,
            *shlex.split(line.split("jupyter labextension", 1)[1].rstrip(" \\")),
            env=env,
        )
    code = (
        "import json, logging\n"
        "from jupyter_core.paths import jupyter_path\n"
        "from jupyterlab_server.config import get_page_config\n"
        "page = get_page_config(jupyter_path('labextensions'), logger=logging.getLogger())\n"
        "print(json.dumps([page['disabledExtensions'], page['lockedExtensions']]))"
    )
    disabled, locked = json.loads(run(image_python, "-c", code, env=env).stdout)
    others = {
        f"@jupyter/nbgrader:{name}"
        for name in ("formgrader", "create-assignment", "assignment-list", "course-list")
    }
    assert set(disabled) == others, "nbgrader's Validate (validate-assignment) is on, its other tools off"
    assert others <= set(locked)
