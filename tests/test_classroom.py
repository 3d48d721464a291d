"""A class on a hub, end to end: who gets in, what the students' image holds, and nbgrader's cycle.

1. **Login** (The Littlest JupyterHub's settings). A real JupyterHub with its real proxy on
   127.0.0.1, configured from classroom/tljh-config.yaml as TLJH's configurer does it (GitHub
   login, the class list, the admin). GitHub itself is replaced by a stand-in on 127.0.0.1 that
   answers the three requests of GitHub's OAuth flow; the settings the test adds are only where
   GitHub is, the OAuth app's id and secret, and the hub's own address. A GitHub user who is
   not on the class list is refused; a student on it gets in; the admin is an admin and the
   instructor is not. (TLJH itself needs a fresh Ubuntu server with systemd: this is the
   nearest that runs here. Its proxy, Traefik, is replaced by JupyterHub's default one.)
2. **The students' image.** repo2docker makes the image's build context (every file the image
   can hold) with its own code and rules, binder/.dockerignore included; only Docker is replaced,
   by a recorder of that context. No exercises/source, no hidden test, no .git.
3. **nbgrader's whole cycle** on a filesystem exchange made as docs/classroom.md says for TLJH
   (root mode 1777, the course folder made for the instructor), with every person a separate
   Unix account, none of them root: the system accounts /etc/passwd already has, each command
   run as that account with `setpriv` (nothing on the machine changes outside a temporary
   folder). They run the test environment's packages through a small virtual environment in
   that folder, built on an interpreter every account may run (the test environment's own; or,
   where that lies in a folder only root can enter, the system's Python of the same version).
   The instructor releases; a student's attempts to replace the release fail (and would
   succeed without the sticky bit); five students fetch, work and submit: Ada answers right,
   Ben forgets that an unpadded convolution shrinks the image, Cy submits the untouched copy,
   Dee answers right and her answer also tries to write a system file, Eve gives Ben's wrong
   shapes and redefines the check function (what hidden tests cannot stop); the instructor
   collects (the exchange's owner check finds every submission made by its student),
   autogrades (Dee's code runs as the instructor's account, not root, and cannot write the
   system file), generates feedback (as root: it runs no student code, and the Python other
   accounts may run can be too old for nbconvert's HTML cleaning) and releases it; each student
   fetches it.

Exercise 1 trains nothing, so the cycle takes a minute or two. The test needs root (to act as
the other accounts) and npm (for JupyterHub's proxy, installed into .cache/ on first use); where
either is missing it is skipped on a workstation and fails in CI.
"""

from __future__ import annotations

import io
import json
import os
import pwd
import re
import secrets
import shutil
import stat
import sys
import sysconfig
import tarfile
import tempfile
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import metadata
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests
from test_classroom_config import tljh_file, tljh_settings
from uv import find_uv_bin

import support
from support import EXERCISES, NBGRADER, ROOT, free_port, needed, npm_package, run, server

pytestmark = pytest.mark.slow

COURSE, ASSIGNMENT = "mnist-convnet", "mnist"
NOTEBOOK = "01_predict_shapes_and_parameters"
CHP_VERSION = "5.3.0"  # configurable-http-proxy, the proxy JupyterHub starts by default


# --- 1. login -------------------------------------------------------------------------------------


class GitHubStandIn(BaseHTTPRequestHandler):
    """GitHub's side of its OAuth flow: the browser asks who logs in (the test says it, as
    ``login=``), the hub trades the code for a token (with the app's secret), then asks whose
    token it is."""

    client: ClassVar[tuple[str, str]] = ("", "")  # the OAuth app's id and secret the hub must send

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        query = {key: values[0] for key, values in parse_qs(url.query).items()}
        if url.path == "/login/oauth/authorize":
            back = {"code": query["login"], "state": query["state"]}
            self.send_response(302)
            self.send_header("Location", f"{query['redirect_uri']}?{urlencode(back)}")
            self.end_headers()
        elif url.path == "/api/v3/user":
            login = self.headers["Authorization"].removeprefix("Bearer ")
            self.reply(
                {"login": login, "id": abs(hash(login)), "name": login, "email": f"{login}@example.org"}
            )
        else:
            self.send_error(404)

    def do_POST(self) -> None:
        form = {
            k: v[0]
            for k, v in parse_qs(self.rfile.read(int(self.headers["Content-Length"])).decode()).items()
        }
        if urlsplit(self.path).path != "/login/oauth/access_token":
            self.send_error(404)
        elif (form.get("client_id"), form.get("client_secret")) != self.client:
            self.reply({"error": "incorrect_client_credentials", "error_description": "wrong client"})
        else:
            self.reply({"access_token": form["code"], "token_type": "bearer", "scope": ""})

    def reply(self, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:  # quiet: the test reports what matters
        pass


@pytest.fixture(scope="module")
def hub(tmp_path_factory) -> Iterator[dict[str, str]]:
    """JupyterHub with TLJH's login settings from classroom/tljh-config.yaml, GitHub stood in for."""
    proxy = npm_package("configurable-http-proxy", CHP_VERSION, ".bin/configurable-http-proxy")
    folder = tmp_path_factory.mktemp("hub")
    client = ("class-hub-test", secrets.token_hex(16))
    GitHubStandIn.client = client
    github = ThreadingHTTPServer(("127.0.0.1", 0), GitHubStandIn)
    threading.Thread(target=github.serve_forever, daemon=True).start()
    port, token = free_port(), secrets.token_hex(32)
    url = f"http://127.0.0.1:{port}"

    config = tljh_settings(tljh_file())
    config.pop("FirstUseAuthenticator")  # TLJH sets it always; the GitHub login does not read it
    config.GitHubOAuthenticator.client_id, config.GitHubOAuthenticator.client_secret = client
    config.GitHubOAuthenticator.github_url = f"http://127.0.0.1:{github.server_address[1]}"
    config.GitHubOAuthenticator.oauth_callback_url = f"{url}/hub/oauth_callback"
    config.JupyterHub.update(
        ip="127.0.0.1",
        port=port,
        hub_ip="127.0.0.1",
        hub_port=free_port(),
        db_url=f"sqlite:///{folder / 'jupyterhub.sqlite'}",
        cookie_secret_file=str(folder / "cookie_secret"),
        # the test asks the hub's API who is an admin
        services=[{"name": "class-check", "api_token": token}],
        load_roles=[{"name": "class-check", "scopes": ["read:users"], "services": ["class-check"]}],
    )
    config.ConfigurableHTTPProxy.update(command=[str(proxy)], api_url=f"http://127.0.0.1:{free_port()}")
    for section in config.values():  # sets (the user lists) as JSON lists
        section.update({k: sorted(v) for k, v in section.items() if isinstance(v, set)})
    (folder / "jupyterhub_config.json").write_text(json.dumps(config))
    command = [str(NBGRADER.with_name("jupyterhub")), "-f", str(folder / "jupyterhub_config.json")]
    env = {**os.environ, "PATH": f"{NBGRADER.parent}{os.pathsep}{os.environ['PATH']}"}
    try:
        with server(command, f"{url}/hub/api/", folder / "hub.log", timeout=120, cwd=folder, env=env):
            yield {"url": url, "token": token, "log": str(folder / "hub.log")}
    finally:
        github.shutdown()
        github.server_close()


def log_in(hub: dict[str, str], github_user: str) -> requests.Response:
    """A browser's login: the hub's login button, GitHub (the stand-in) says who, back to the hub."""
    browser = requests.Session()
    to_github = browser.get(f"{hub['url']}/hub/oauth_login?next=", allow_redirects=False, timeout=60)
    assert to_github.status_code == 302, to_github.text
    back = browser.get(
        f"{to_github.headers['Location']}&login={github_user}", allow_redirects=False, timeout=60
    )
    return browser.get(back.headers["Location"], allow_redirects=False, timeout=60)


def is_admin(hub: dict[str, str], name: str) -> bool:
    answer = requests.get(
        f"{hub['url']}/hub/api/users/{name}", headers={"Authorization": f"token {hub['token']}"}, timeout=60
    )
    assert answer.status_code == 200, f"{name} has no account on the hub"
    return bool(answer.json()["admin"])


def test_a_github_user_who_is_not_on_the_class_list_is_refused(hub):
    answer = log_in(hub, "not-on-the-class-list")
    assert answer.status_code == 403, f"the hub answered {answer.status_code}: {answer.text[:500]}"
    assert "jupyterhub-session-id" not in answer.headers.get("Set-Cookie", "")


def test_the_class_gets_in_and_only_the_administrator_is_an_admin(hub):
    users = tljh_file()["users"]
    (admin,) = users["admin"]
    for name in [*users["allowed"], admin]:
        answer = log_in(hub, name)
        assert answer.status_code == 302, (
            f"{name}: the hub answered {answer.status_code}: {answer.text[:500]}"
        )
        assert "jupyterhub-session-id" in answer.headers.get("Set-Cookie", ""), name
        assert is_admin(hub, name) == (name == admin), name


# --- 2. the students' image ----------------------------------------------------------------------


def image_contents(monkeypatch) -> dict[str, bytes]:
    """The repository's files that repo2docker puts into the image's build context, by path."""
    from repo2docker.__main__ import make_r2d
    from repo2docker.app import Repo2Docker
    from repo2docker.engine import ContainerEngine

    context: dict[str, bytes] = {}

    class Recorder(ContainerEngine):  # type: ignore[misc]
        """A container engine that keeps the build context it is given instead of building."""

        string_output = False

        def build(self, *, fileobj: io.BytesIO, **kwargs: Any) -> Iterator[dict[str, str]]:
            with tarfile.open(fileobj=fileobj) as tar:
                for member in tar.getmembers():
                    if member.name.startswith("src/") and member.isfile():
                        data = tar.extractfile(member)
                        context[member.name.removeprefix("src/")] = data.read() if data else b""
            return iter([])

        def inspect_image(self, image: str) -> None:
            return None  # no image yet: build it

    monkeypatch.setattr(Repo2Docker, "get_engine", lambda self: Recorder(parent=self))
    appendix = (ROOT / "classroom" / "appendix.Dockerfile").read_text()
    make_r2d(
        ["--no-run", "--user-id", "1000", "--user-name", "jovyan", "--appendix", appendix, str(ROOT)]
    ).build()
    return context


def test_the_students_image_holds_no_solutions_hidden_tests_or_history(monkeypatch):
    files = image_contents(monkeypatch)
    for lesson in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"):
        assert f"notebooks/{lesson.name}" in files
    assert f"exercises/release/{ASSIGNMENT}/{NOTEBOOK}.ipynb" in files
    assert {"utils/data.py", "binder/postBuild", "binder/requirements.txt", "pyproject.toml"} <= set(files)
    leaked = sorted(p for p in files if p == ".git" or p.startswith((".git/", "exercises/source/", "tests/")))
    assert leaked == [], f"the image would hold {len(leaked)} files it must not, e.g. {leaked[:5]}"
    carrying = [
        path
        for path, data in files.items()
        if path.endswith((".ipynb", ".py")) and re.search(rb"BEGIN (SOLUTION|HIDDEN TESTS)", data)
    ]
    assert carrying == [], "these files in the image hold solutions or hidden tests"


# --- 3. nbgrader's cycle ---------------------------------------------------------------------------

# What each student writes in the two answer cells (None: submits the copy as released).
WRONG_SHAPES = (
    "predicted_shapes = [(28, 28, 16), (14, 14, 16), (14, 14, 32), (7, 7, 32), (7, 7, 64), (3136,), (10,)]"
)
# Dee's answer also tries to write a system file (a root-owned folder stands for /etc here).
ESCALATION = """
import os
print("this answer ran as uid", os.geteuid())
try:
    with open({path!r}, "w") as system_file:
        system_file.write("a student's answer wrote here")
except PermissionError:
    print("writing a system file was refused")
"""
# Eve's answer switches the check off: the check cell calls whatever the name means by then.
SWITCHED_OFF = """
def check_output_shapes(predicted, model):
    pass
"""
STUDENTS = ["ada", "ben", "cy", "dee", "eve"]


def solution(grade_id: str) -> str:
    """The solution's code for one answer cell, without nbgrader's markers: what a right answer is."""
    cells = json.loads((EXERCISES / "source" / ASSIGNMENT / f"{NOTEBOOK}.ipynb").read_text())["cells"]
    (source,) = [
        "".join(c["source"]) for c in cells if c["metadata"].get("nbgrader", {}).get("grade_id") == grade_id
    ]
    return "\n".join(line for line in source.splitlines() if "### " not in line)


def work(path: Path, answers: dict[str, str]) -> None:
    """Fill in the answer cells of a fetched notebook: the given answers, the solution elsewhere."""
    notebook = json.loads(path.read_text())
    for cell in notebook["cells"]:
        grade_id = cell["metadata"].get("nbgrader", {}).get("grade_id")
        if grade_id in ("shapes", "params"):
            assert "# YOUR CODE HERE" in "".join(cell["source"]), "the fetched copy should be untouched"
            cell["source"] = answers.get(grade_id, solution(grade_id))
    path.write_text(json.dumps(notebook, indent=1))


def everyone_may_run(path: Path) -> bool:
    """Whether every account may run ``path``: it and each folder above it are open to others."""
    return all(folder.stat().st_mode & stat.S_IXOTH for folder in [path, *path.parents])


def class_environment(folder: Path) -> Path:
    """A virtual environment every account may run, with the test environment's packages: its
    own nbgrader and alembic (console scripts whose interpreter the accounts can reach), the rest
    through a .pth file. Returns its bin folder."""
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    candidates = [Path(sys.executable).resolve(), shutil.which(version, path="/usr/local/bin:/usr/bin:/bin")]
    usable = [Path(c) for c in candidates if c and everyone_may_run(Path(c))]
    if not usable:
        needed(f"no {version} that every account may run (the test environment's lies in a closed folder)")
    run(usable[0], "-m", "venv", "--without-pip", folder)
    site_packages = Path(sysconfig.get_paths(vars={"base": str(folder)})["purelib"])
    (site_packages / "test-environment.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    pins = [f"{name}=={metadata.version(name)}" for name in ("nbgrader", "alembic")]
    run(find_uv_bin(), "pip", "install", "--quiet", "--no-deps", "--python", folder / "bin" / "python", *pins)
    return folder / "bin"


def accounts() -> dict[str, pwd.struct_passwd]:
    """The instructor and the students, played by system accounts that /etc/passwd already has."""
    if os.geteuid() != 0:
        needed("only root can run commands as the other accounts a class needs")
    if shutil.which("setpriv") is None:
        needed("setpriv (util-linux) is missing: it runs each command as its person's account")
    system = sorted((entry for entry in pwd.getpwall() if 0 < entry.pw_uid < 65534), key=lambda e: e.pw_uid)
    roles = ["instructor", *STUDENTS]
    if len(system) < len(roles):
        needed(f"/etc/passwd has fewer than {len(roles)} unprivileged accounts")
    return dict(zip(roles, system, strict=False))


class Class:
    """The class's folders in a temporary folder, and commands run as one of its people."""

    def __init__(self, root: Path, people: dict[str, pwd.struct_passwd]) -> None:
        self.root, self.people = root, people
        self.bin = class_environment(root / "python")
        self.exchange = root / "exchange"
        self.course = root / "course"  # the instructor's course folder
        self.system = root / "system"  # root's, like /etc: nobody else may write here
        self.system.mkdir()

    def home(self, role: str) -> Path:
        return self.root / "home" / role

    def make_home(self, role: str) -> Path:
        home = self.home(role)
        home.mkdir(parents=True, mode=0o700)
        os.chown(home, self.people[role].pw_uid, self.people[role].pw_gid)
        return home

    def run_as(self, role: str, *command: str | Path, cwd: Path | None = None, check: bool = True) -> Any:
        person = self.people[role]
        env = {
            "HOME": str(self.home(role)),
            "PATH": f"{self.bin}{os.pathsep}/usr/bin{os.pathsep}/bin",  # nbgrader runs alembic
            "PYTHONPATH": str(ROOT),  # the exercises import utils
            "JUPYTER_PATH": str(Path(sys.prefix) / "share" / "jupyter"),  # nbconvert's templates
            "KERAS_HOME": str(self.home(role) / ".keras"),
            "LANG": "C.UTF-8",
        }
        account = [f"--reuid={person.pw_uid}", f"--regid={person.pw_gid}", "--clear-groups"]
        return run("setpriv", *account, *command, cwd=cwd or self.home(role), env=env, check=check)

    def nbgrader(self, role: str, *args: str, check: bool = True) -> Any:
        exchange = f"--Exchange.root={self.exchange}"
        if role == "instructor":
            where = [f"--CourseDirectory.root={self.course}"]
            return self.run_as(
                role, "nbgrader", *args, ASSIGNMENT, exchange, *where, cwd=self.course, check=check
            )
        return self.run_as(role, "nbgrader", *args, ASSIGNMENT, exchange, f"--course={COURSE}", check=check)


def make_exchange(root: Path, mode: int, owner: pwd.struct_passwd) -> Path:
    """The exchange as docs/classroom.md makes it: root's folder (mode given), the course folder
    in it made for the instructor (0755) before any student can make one."""
    root.mkdir()
    root.chmod(mode)  # chmod, not mkdir's mode: the umask does not apply
    course = root / COURSE
    course.mkdir()
    course.chmod(0o755)
    os.chown(course, owner.pw_uid, owner.pw_gid)
    return course


def tree_digest(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def semester() -> Iterator[dict[str, Any]]:
    """Run the whole cycle once; return what each step left (scores, refusals, outputs, homes)."""
    people = accounts()
    root = Path(tempfile.mkdtemp(prefix="classroom-"))
    root.chmod(0o755)  # every account must reach its own folder in here
    try:
        yield cycle(Class(root, people))
    finally:
        shutil.rmtree(root)


def cycle(school: Class) -> dict[str, Any]:
    instructor = school.people["instructor"]
    outcome: dict[str, Any] = {"instructor_uid": instructor.pw_uid}
    make_exchange(school.exchange, 0o1777, instructor)
    school.course.mkdir(mode=0o700)
    (school.course / "source" / ASSIGNMENT).mkdir(parents=True)
    shutil.copy(EXERCISES / "nbgrader_config.py", school.course)
    shutil.copy(
        EXERCISES / "source" / ASSIGNMENT / f"{NOTEBOOK}.ipynb", school.course / "source" / ASSIGNMENT
    )
    for path in [school.course, *school.course.rglob("*")]:
        os.chown(path, instructor.pw_uid, instructor.pw_gid)
    for role in school.people:
        school.make_home(role)

    school.nbgrader("instructor", "generate_assignment", "--force")
    school.nbgrader("instructor", "release_assignment")
    outcome["exchange_mode"] = stat.S_IMODE(school.exchange.stat().st_mode)
    release = school.exchange / COURSE / "outbound" / ASSIGNMENT
    released = tree_digest(release)
    outcome["fake_release"] = fake_release(school, release)
    outcome["release_unchanged"] = tree_digest(release) == released

    for name in STUDENTS:
        school.nbgrader(name, "fetch_assignment")
        copy = school.home(name) / ASSIGNMENT / f"{NOTEBOOK}.ipynb"
        answers = {
            "ada": {},
            "ben": {"shapes": WRONG_SHAPES},
            "dee": {"shapes": solution("shapes") + ESCALATION.format(path=str(school.system / "owned"))},
            "eve": {"shapes": WRONG_SHAPES + SWITCHED_OFF},
        }
        if name in answers:
            work(copy, answers[name])
        school.nbgrader(name, "submit")

    outcome["collect"] = school.nbgrader("instructor", "collect")
    school.nbgrader("instructor", "autograde")
    # Feedback runs no student code. It is made as root: the Python every account may run can be
    # older than nbconvert's HTML cleaning needs (soupsieve needs 3.11.5; Debian 12 has 3.11.2).
    feedback_maker = school.root / "home" / "root"
    feedback_maker.mkdir()
    course = [f"--CourseDirectory.root={school.course}", f"--Exchange.root={school.exchange}"]
    env = {**os.environ, "HOME": str(feedback_maker)}
    support.nbgrader("generate_feedback", ASSIGNMENT, *course, cwd=school.course, env=env)
    school.nbgrader("instructor", "release_feedback")
    for name in STUDENTS:
        school.nbgrader(name, "fetch_feedback")

    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{school.course / 'gradebook.db'}") as gradebook:
        outcome["scores"] = {
            name: {
                cell.name: (cell.score, cell.max_score)
                for cell in gradebook.find_submission_notebook(
                    NOTEBOOK, ASSIGNMENT, school.people[name].pw_name
                ).grades
            }
            for name in STUDENTS
        }
    dee = school.people["dee"].pw_name
    graded = school.course / "autograded" / dee / ASSIGNMENT / f"{NOTEBOOK}.ipynb"
    outcome["dee_outputs"] = json.dumps(json.loads(graded.read_text())["cells"])
    outcome["system_files"] = sorted(p.name for p in school.system.iterdir())
    outcome["feedback"] = {
        name: [
            p.read_text() for p in (school.home(name) / ASSIGNMENT / "feedback").glob(f"*/{NOTEBOOK}.html")
        ]
        for name in STUDENTS
    }
    return outcome


def fake_release(school: Class, release: Path) -> dict[str, int]:
    """Cy's attempts to replace the instructor's release; each command's exit status."""
    cy = school.home("cy")
    planted = cy / "fake" / "release" / ASSIGNMENT
    planted.mkdir(parents=True)
    shutil.copy(release / f"{NOTEBOOK}.ipynb", planted)
    shutil.copy(EXERCISES / "nbgrader_config.py", cy / "fake")
    for path in [cy / "fake", *(cy / "fake").rglob("*")]:
        os.chown(path, school.people["cy"].pw_uid, school.people["cy"].pw_gid)
    course = school.exchange / COURSE
    attempts = {
        "release over it": school.run_as(
            "cy",
            "nbgrader",
            "release_assignment",
            ASSIGNMENT,
            "--force",
            f"--Exchange.root={school.exchange}",
            f"--course={COURSE}",
            f"--CourseDirectory.root={cy / 'fake'}",
            cwd=cy / "fake",
            check=False,
        ),
        "overwrite the notebook": school.run_as(
            "cy", "cp", planted / f"{NOTEBOOK}.ipynb", release / f"{NOTEBOOK}.ipynb", check=False
        ),
        "move the course folder aside": school.run_as("cy", "mv", course, f"{course}-old", check=False),
    }
    # The same move where the exchange's root lacks the sticky bit (mode 0777): it works.
    open_root = school.root / "exchange-without-sticky-bit"
    open_course = make_exchange(open_root, 0o777, school.people["instructor"])
    attempts["move it aside without the sticky bit"] = school.run_as(
        "cy", "mv", open_course, f"{open_course}-old", check=False
    )
    return {what: result.returncode for what, result in attempts.items()}


def test_the_release_went_into_a_root_with_the_sticky_bit(semester):
    assert semester["exchange_mode"] == 0o1777, "nbgrader changed the exchange's mode"


def test_a_student_cannot_replace_the_release(semester):
    attempts = semester["fake_release"]
    assert attempts.pop("move it aside without the sticky bit") == 0, "the control: 0777 lets anyone move it"
    assert all(status != 0 for status in attempts.values()), attempts
    assert semester["release_unchanged"]


def test_every_submission_was_collected_under_its_own_account(semester):
    assert "cheating attempt" not in semester["collect"].stdout + semester["collect"].stderr
    for name, cells in semester["scores"].items():
        assert {cell: best for cell, (_, best) in cells.items()} == {"check-shapes": 2, "check-params": 1}, (
            name
        )


def test_each_answer_gets_its_marks(semester):
    assert semester["scores"] == {
        "ada": {"check-shapes": (2, 2), "check-params": (1, 1)},
        "ben": {"check-shapes": (0, 2), "check-params": (1, 1)},  # wrong shapes, the right count
        "cy": {"check-shapes": (0, 2), "check-params": (0, 1)},  # untouched
        "dee": {"check-shapes": (2, 2), "check-params": (1, 1)},
        # wrong shapes, full marks: an answer cell can redefine what the checks call
        "eve": {"check-shapes": (2, 2), "check-params": (1, 1)},
    }


def test_grading_runs_a_submission_without_root(semester):
    outputs = semester["dee_outputs"]
    assert f"this answer ran as uid {semester['instructor_uid']}" in outputs
    assert "writing a system file was refused" in outputs
    assert semester["system_files"] == []


def test_each_student_fetched_feedback_that_explains_their_grade(semester):
    expected = {
        "ada": ("3", []),
        "ben": ("1", ["(14, 14, 32)", "shrinks height and width"]),
        "cy": ("0", ["Not done yet"]),
        "dee": ("3", []),
        "eve": ("3", []),
    }
    for name, (score, phrases) in expected.items():
        (text,) = semester["feedback"][name]
        assert re.search(rf"Score:\s*{score}(\.0)?\s*/\s*3", text), (
            f"{name}'s feedback does not show {score} / 3"
        )
        for phrase in phrases:
            assert phrase in text, f"{name}'s feedback does not say {phrase!r}"
