"""Measure a class on one machine: a real JupyterHub, N simulated students, the lesson's training.

For each round (N students, default or classroom mode) the script starts JupyterHub with its
proxy on 127.0.0.1 (research/classroom/measure_hub_config.py), then every student at once, concurrently:

1. logs in through the hub's login form (the test password) and asks the hub's REST API to
   start their server; the script polls the API until the server is ready (time to a server);
2. opens notebook 03 (the lesson's 8-epoch training) as JupyterLab does, through the hub's
   proxy: a session from the server's REST API, then every code cell sent in order over the
   kernel's websocket (Jupyter's messaging protocol), its outputs checked for errors;
3. shuts that kernel down and does the same with exercise 1, the student's finished copy.

Meanwhile a thread samples, every 0.5 s, each student's server and kernel (the process tree's
resident memory and CPU time) and the whole machine's used memory. The hub, its proxy and
every server are stopped at the end, by process id, also after an error or Ctrl-C. Results go
to research/classroom/classroom.json. This is a measuring tool, not a test: one full sweep
(N = 1, 2, 4, 8, and 4, 8 in classroom mode) takes about 40 minutes on 2 cores.

Needs a virtual environment with JupyterHub and the learner's packages, and the proxy from
the npm registry (research/classroom/requirements.txt says how), then, from the repository's root:

    /tmp/hubvenv/bin/python research/classroom/measure_classroom.py --students 1 2 4 8 --classroom 4 8
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import platform
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import asdict, dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import psutil
from benchmark_notebooks import machine
from tornado.httpclient import AsyncHTTPClient, HTTPClientError, HTTPRequest, HTTPResponse
from tornado.websocket import WebSocketClientConnection, websocket_connect

ROOT = Path(__file__).resolve().parents[2]
HUB_CONFIG = Path(__file__).with_name("measure_hub_config.py")
TRAINING = ROOT / "notebooks" / "03_prepare_mnist_and_train.ipynb"
EXERCISE = ROOT / "exercises" / "source" / "mnist" / "01_predict_shapes_and_parameters.ipynb"
RESULTS = Path(__file__).with_name("classroom.json")
SERVER_READY_SECONDS = 300  # the longest wait for a student's server
CELL_SECONDS = 3600  # the longest wait for one cell (8 students training on 2 cores: ~15 min)
SAMPLE_SECONDS = 0.5


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Student:
    """One simulated student: what happened to them and what they cost."""

    name: str
    login_ok: bool = False
    server_seconds: float | None = None
    training_notebook_seconds: float | None = None
    training_fit_seconds: float | None = None  # what the notebook itself printed ("Training took")
    training_output_tail: str = ""  # the end of what the training notebook printed
    exercise_seconds: float | None = None
    peak_mb: float = 0.0  # the server and its kernels, resident memory summed at one moment
    cpu_seconds: float = 0.0  # user + system CPU time of the server and its kernels
    failure: str | None = None
    pids: set[int] = field(default_factory=set)


class Sampler:
    """Samples each student's process tree and the machine's memory every 0.5 s, in a thread."""

    def __init__(self, hub_pid: int, students: list[Student]) -> None:
        self.hub = psutil.Process(hub_pid)
        self.students = {student.name: student for student in students}
        self.servers: dict[str, Any] = {}  # student name -> psutil.Process of their server
        self.cpu: dict[int, float] = {}  # pid -> its last CPU time seen, for every student's process
        self.owner: dict[int, str] = {}
        self.machine_peak_mb = 0.0
        self.hub_peak_mb = 0.0  # the hub and its proxy
        self.busy_start = self._busy_seconds()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    @staticmethod
    def _busy_seconds() -> float:
        times = psutil.cpu_times()
        return float(times.user + times.nice + times.system + getattr(times, "irq", 0.0))

    def _find_servers(self) -> None:
        known = {server.pid for server in self.servers.values()}
        for child in self.hub.children():
            with contextlib.suppress(psutil.Error):
                if child.pid in known or "jupyterhub-singleuser" not in " ".join(child.cmdline()):
                    continue
                name = child.environ().get("JUPYTERHUB_USER", "")
                if name in self.students and name not in self.servers:
                    self.servers[name] = child

    def _sample(self) -> None:
        self._find_servers()
        memory = psutil.virtual_memory()
        self.machine_peak_mb = max(self.machine_peak_mb, (memory.total - memory.available) / 2**20)
        hub_rss = 0
        with contextlib.suppress(psutil.Error):
            hub_rss = self.hub.memory_info().rss
            for child in self.hub.children():
                with contextlib.suppress(psutil.Error):
                    if "node" in child.name() or "configurable-http-proxy" in " ".join(child.cmdline()):
                        hub_rss += child.memory_info().rss
        self.hub_peak_mb = max(self.hub_peak_mb, hub_rss / 2**20)
        for name, server in self.servers.items():
            student, rss = self.students[name], 0
            with contextlib.suppress(psutil.Error):
                tree = [server, *server.children(recursive=True)]
                for process in tree:
                    with contextlib.suppress(psutil.Error):
                        rss += process.memory_info().rss
                        times = process.cpu_times()
                        self.cpu[process.pid] = times.user + times.system
                        self.owner[process.pid] = name
                        student.pids.add(process.pid)
            student.peak_mb = max(student.peak_mb, rss / 2**20)

    def _run(self) -> None:
        while not self._stop.is_set():
            self._sample()
            time.sleep(SAMPLE_SECONDS)

    def stop(self) -> float:
        """Stop sampling; return the machine's busy CPU seconds (all processes) since the start."""
        self._stop.set()
        self._thread.join()
        for pid, seconds in self.cpu.items():
            self.students[self.owner[pid]].cpu_seconds += seconds
        return self._busy_seconds() - self.busy_start


class Hub:
    """A JupyterHub on 127.0.0.1, started with research/classroom/measure_hub_config.py, stopped by PID."""

    def __init__(self, venv: Path, proxy: Path, threads: int | None, students: list[str]) -> None:
        self.run_dir = Path(tempfile.mkdtemp(prefix="classroom-hub-"))
        self.port, self.token, self.password = free_port(), secrets.token_hex(32), secrets.token_hex(8)
        env = {
            **os.environ,
            "CLASSROOM_RUN_DIR": str(self.run_dir),
            "CLASSROOM_PROXY_PORT": str(self.port),
            "CLASSROOM_HUB_PORT": str(free_port()),
            "CLASSROOM_PROXY_API_PORT": str(free_port()),
            "CLASSROOM_PROXY_COMMAND": str(proxy),
            "CLASSROOM_STUDENTS": ",".join(students),
            "CLASSROOM_PASSWORD": self.password,
            "CLASSROOM_SINGLEUSER": str(venv / "bin" / "jupyterhub-singleuser"),
            "CLASSROOM_REPOSITORY": str(ROOT),
            "CLASSROOM_API_TOKEN": self.token,
            "CLASSROOM_THREADS": "" if threads is None else str(threads),
            "PATH": f"{venv / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}",
        }
        self.log = (self.run_dir / "hub.log").open("w")
        self.process = subprocess.Popen(
            [str(venv / "bin" / "jupyterhub"), "-f", str(HUB_CONFIG)],
            cwd=self.run_dir,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: nothing of ours receives its signals
        )
        self.url = f"http://127.0.0.1:{self.port}"

    def stop(self) -> list[int]:
        """Stop the hub (which stops the servers and the proxy), then anything left, by PID.

        Returns the PIDs that had to be killed after the hub's own shutdown."""
        try:
            family = [self.process.pid, *(p.pid for p in psutil.Process(self.process.pid).children(True))]
        except psutil.Error:
            family = [self.process.pid]
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=30)
        killed = []
        for pid in family[1:]:
            with contextlib.suppress(psutil.Error):
                process = psutil.Process(pid)
                process.terminate()
                try:
                    process.wait(timeout=20)
                except psutil.TimeoutExpired:
                    process.kill()
                killed.append(pid)
        self.log.close()
        return killed

    def cleanup(self) -> None:
        shutil.rmtree(self.run_dir, ignore_errors=True)


class Api:
    """The hub's REST API and the students' servers, through the proxy, with tokens."""

    def __init__(self, hub: Hub) -> None:
        self.hub = hub
        self.http = AsyncHTTPClient(force_instance=True, max_clients=64)

    async def call(
        self, method: str, path: str, token: str | None = None, body: object = None, ok: tuple[int, ...] = ()
    ) -> Any:
        """One JSON request; returns the decoded answer (None if empty). Raises on an unexpected status."""
        request = HTTPRequest(
            self.hub.url + path,
            method=method,
            headers={"Authorization": f"token {token or self.hub.token}"},
            body=None if body is None and method == "GET" else json.dumps(body or {}),
            request_timeout=120,
            allow_nonstandard_methods=True,
        )
        try:
            response = await self.http.fetch(request)
        except HTTPClientError as error:
            if error.code in ok and error.response is not None:
                response = error.response
            else:
                detail = error.response.body[:300].decode(errors="replace") if error.response else ""
                raise RuntimeError(f"{method} {path}: {error.code} {detail}") from error
        return json.loads(response.body) if response.body else None

    async def wait_until_up(self, deadline: float) -> None:
        """Poll the hub's API until it answers (bounded by ``deadline``)."""
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError, HTTPClientError, RuntimeError):
                await self.call("GET", "/hub/api/")
                return
            if self.hub.process.poll() is not None:
                raise RuntimeError(f"JupyterHub exited: see {self.hub.run_dir / 'hub.log'}")
            await asyncio.sleep(0.5)
        raise RuntimeError("JupyterHub did not answer within the time allowed")

    async def login(self, name: str) -> bool:
        """Log in through the hub's login form, as a browser does; True if the hub accepted it."""
        page: HTTPResponse = await self.http.fetch(self.hub.url + "/hub/login", request_timeout=60)
        cookies = SimpleCookie()
        for header in page.headers.get_list("Set-Cookie"):
            cookies.load(header)
        xsrf = cookies["_xsrf"].value if "_xsrf" in cookies else ""
        form = urlencode({"username": name, "password": self.hub.password, "_xsrf": xsrf})
        request = HTTPRequest(
            self.hub.url + "/hub/login?next=",
            method="POST",
            body=form,
            headers={"Cookie": "; ".join(f"{k}={v.value}" for k, v in cookies.items())},
            follow_redirects=False,
            request_timeout=60,
        )
        try:
            await self.http.fetch(request)
        except HTTPClientError as error:  # a successful login answers with a redirect
            if error.response is not None and error.code == 302:
                return any(
                    "jupyterhub-session-id" in h for h in error.response.headers.get_list("Set-Cookie")
                )
            raise
        return False


def make_home(run_dir: Path, name: str) -> None:
    """A student's home folder: their own copies of the notebooks, and MNIST already cached."""
    home = run_dir / "home" / name
    (home / "notebooks").mkdir(parents=True)
    (home / "exercises").mkdir()
    shutil.copy(TRAINING, home / "notebooks")
    shutil.copytree(ROOT / "notebooks" / "pretrained", home / "notebooks" / "pretrained")
    shutil.copy(EXERCISE, home / "exercises")
    # where load_mnist() caches it here, as utils.data.default_data_dir() finds it (not imported:
    # this script runs in the hub's environment, which does not install utils)
    cache = Path(os.environ.get("KERAS_HOME") or Path.home() / ".keras").expanduser()
    cache = cache / "datasets" / "mnist-verified.npz"
    if cache.exists():  # the image built from binder/ has it in the cache too (binder/postBuild)
        (home / ".keras" / "datasets").mkdir(parents=True)
        shutil.copy(cache, home / ".keras" / "datasets")


def message(msg_type: str, session: str, content: dict[str, Any]) -> dict[str, Any]:
    """A Jupyter protocol message for the kernel's websocket (JSON, protocol 5.3)."""
    header = {
        "msg_id": uuid.uuid4().hex,
        "msg_type": msg_type,
        "session": session,
        "username": "student",
        "version": "5.3",
        "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    return {"header": header, "parent_header": {}, "metadata": {}, "content": content, "channel": "shell"}


async def run_cell(ws: WebSocketClientConnection, session: str, code: str) -> tuple[str, str]:
    """Execute one cell; return its status ("ok" or an error line) and the text it printed."""
    request = message(
        "execute_request",
        session,
        {"code": code, "silent": False, "store_history": True, "user_expressions": {}, "allow_stdin": False},
    )
    await ws.write_message(json.dumps(request))
    msg_id, status, text, idle = request["header"]["msg_id"], "", [], False
    while not (status and idle):
        raw = await asyncio.wait_for(ws.read_message(), timeout=CELL_SECONDS)
        if raw is None:
            raise RuntimeError("the kernel's websocket closed")
        reply = json.loads(raw)
        if reply.get("parent_header", {}).get("msg_id") != msg_id:
            continue
        kind, content = reply["msg_type"], reply["content"]
        if kind == "stream":
            text.append(content["text"])
        elif kind == "error":
            text.append(f"{content['ename']}: {content['evalue']}")
        elif kind == "execute_reply":
            status = "ok" if content["status"] == "ok" else f"{content.get('ename')}: {content.get('evalue')}"
        elif kind == "status" and content["execution_state"] == "idle":
            idle = True
    return status, "".join(text)


async def run_notebook(
    api: Api, student: Student, token: str, path: str, notebook: Path
) -> tuple[float, str]:
    """Open a notebook in the student's server and run its code cells; return seconds and output."""
    base = f"/user/{student.name}/api"
    session = await api.call(
        "POST",
        f"{base}/sessions",
        token,
        {"path": path, "name": notebook.name, "type": "notebook", "kernel": {"name": "python3"}},
    )
    kernel, session_id = session["kernel"]["id"], uuid.uuid4().hex
    url = api.hub.url.replace("http", "ws", 1) + f"{base}/kernels/{kernel}/channels?session_id={session_id}"
    ws = await websocket_connect(
        HTTPRequest(url, headers={"Authorization": f"token {token}"}, request_timeout=120),
        max_message_size=256 * 2**20,
    )
    cells = [cell for cell in json.loads(notebook.read_text())["cells"] if cell["cell_type"] == "code"]
    printed, start = [], time.perf_counter()
    try:
        for cell in cells:
            status, text = await run_cell(ws, session_id, "".join(cell["source"]))
            printed.append(text)
            if status != "ok":
                raise RuntimeError(f"{notebook.name}, cell {cell.get('id')}: {status}")
        return time.perf_counter() - start, "".join(printed)
    finally:
        ws.close()
        with contextlib.suppress(RuntimeError, OSError):
            await api.call("DELETE", f"{base}/sessions/{session['id']}", token)


async def attend(api: Api, student: Student, training: Path, exercise: Path) -> None:
    """One student's lesson: log in, start a server, train (notebook 03), do exercise 1."""
    try:
        start = time.perf_counter()
        student.login_ok = await api.login(student.name)
        await api.call("POST", f"/hub/api/users/{student.name}", ok=(409,))
        await api.call("POST", f"/hub/api/users/{student.name}/server", ok=(400,))
        deadline = time.monotonic() + SERVER_READY_SECONDS
        while time.monotonic() < deadline:
            model = await api.call("GET", f"/hub/api/users/{student.name}")
            if model["servers"].get("", {}).get("ready"):
                break
            await asyncio.sleep(0.5)
        else:
            raise RuntimeError(f"no server after {SERVER_READY_SECONDS} s")
        student.server_seconds = time.perf_counter() - start
        token = (
            await api.call("POST", f"/hub/api/users/{student.name}/tokens", body={"note": "classroom driver"})
        )["token"]
        seconds, printed = await run_notebook(api, student, token, f"notebooks/{training.name}", training)
        student.training_notebook_seconds = seconds
        student.training_output_tail = printed[-300:]
        for line in printed.splitlines():
            if line.startswith("Training took "):
                student.training_fit_seconds = float(line.split()[2])
        student.exercise_seconds, _ = await run_notebook(
            api, student, token, f"exercises/{exercise.name}", exercise
        )
    except Exception as error:  # recorded as this student's failure; the others go on
        student.failure = f"{type(error).__name__}: {error}"[:500]


async def lesson(
    venv: Path, proxy: Path, students: int, threads: int | None, training: Path
) -> dict[str, Any]:
    """One round: a fresh hub, ``students`` students at once; returns the round's measurements."""
    class_ = [Student(f"student{i + 1:02d}") for i in range(students)]
    hub = Hub(venv, proxy, threads, [student.name for student in class_])
    sampler: Sampler | None = None
    before = psutil.virtual_memory()
    load_before = os.getloadavg()
    start = time.perf_counter()
    try:
        api = Api(hub)
        await api.wait_until_up(time.monotonic() + 120)
        for student in class_:
            make_home(hub.run_dir, student.name)
        sampler = Sampler(hub.process.pid, class_)
        await asyncio.gather(*(attend(api, student, training, EXERCISE) for student in class_))
    finally:
        busy = sampler.stop() if sampler else 0.0
        wall = time.perf_counter() - start
        leftovers = hub.stop()
        log = (hub.run_dir / "hub.log").read_text()
        log_tail = log[-2000:] if any(s.failure for s in class_) else ""
        # traitlets logs a warning for each setting in the config file that JupyterHub does not know
        config_warnings = [line for line in log.splitlines() if "not recognized" in line]
        hub.cleanup()
    own_cpu = sum(student.cpu_seconds for student in class_)
    return {
        "students": students,
        "mode": "classroom" if threads else "default",
        "tensorflow_threads": threads or 2,
        "notebook": training.name,
        "wall_seconds": round(wall, 1),
        "machine_used_mb_before": round((before.total - before.available) / 2**20),
        "machine_peak_used_mb": round(sampler.machine_peak_mb if sampler else 0),
        "hub_and_proxy_peak_mb": round(sampler.hub_peak_mb if sampler else 0),
        "machine_busy_cpu_seconds": round(busy, 1),
        "students_cpu_seconds": round(own_cpu, 1),
        "other_cpu_seconds": round(max(busy - own_cpu, 0.0), 1),
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        "failures": sum(1 for student in class_ if student.failure),
        "leftover_processes_killed": leftovers,
        "hub_log_tail": log_tail,
        "hub_config_warnings": config_warnings,
        "per_student": [
            {
                key: (round(v, 1) if isinstance(v, float) else v)
                for key, v in asdict(s).items()
                if key != "pids"
            }
            for s in class_
        ],
    }


def versions(venv: Path, proxy: Path) -> dict[str, str]:
    """The versions of what the hub and the students ran."""
    code = (
        "import importlib.metadata as m, json; print(json.dumps({p: m.version(p) for p in "
        "['jupyterhub', 'jupyterlab', 'jupyter_server', 'tensorflow', 'keras']}))"
    )
    found: dict[str, str] = json.loads(
        subprocess.run(
            [str(venv / "bin" / "python"), "-c", code],
            check=True,
            capture_output=True,
            text=True,
            timeout=120,
        ).stdout
    )
    found["configurable-http-proxy"] = subprocess.run(
        [str(proxy), "--version"], check=True, capture_output=True, text=True, timeout=60
    ).stdout.strip()
    found["node"] = subprocess.run(
        ["node", "--version"], check=True, capture_output=True, text=True, timeout=60
    ).stdout.strip()
    found["python"] = platform.python_version()
    return found


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--students", type=int, nargs="*", default=[1, 2, 4, 8], help="class sizes, default mode"
    )
    parser.add_argument(
        "--classroom", type=int, nargs="*", default=[4, 8], help="class sizes, classroom mode"
    )
    parser.add_argument("--threads", type=int, default=1, help="TUTORIAL_THREADS in classroom mode")
    parser.add_argument("--venv", type=Path, default=Path(sys.prefix), help="JupyterHub + learner packages")
    parser.add_argument(
        "--proxy",
        type=Path,
        default=Path("/tmp/chp/node_modules/.bin/configurable-http-proxy"),
        help="configurable-http-proxy, installed with npm (research/classroom/requirements.txt)",
    )
    parser.add_argument(
        "--notebook", type=Path, default=TRAINING, help="the notebook to train with (to debug)"
    )
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    # `kill <pid>` stops the script as Ctrl-C does: each round's `finally` stops the hub by PID
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    rounds = [(n, None) for n in args.students] + [(n, args.threads) for n in args.classroom]
    results = {
        "what": "research/classroom/measure_classroom.py: N students at once on one JupyterHub on this machine",
        "machine": machine(),
        "cpu_cores": psutil.cpu_count(),
        "memory_gib": round(psutil.virtual_memory().total / 2**30, 1),
        "versions": versions(args.venv, args.proxy),
        "date": time.strftime("%Y-%m-%d"),
        "rounds": [],
    }
    for students, threads in rounds:
        print(f"{students} student(s), {'classroom mode' if threads else 'default'} ...", flush=True)
        row = asyncio.run(lesson(args.venv, args.proxy, students, threads, args.notebook))
        results["rounds"].append(row)
        per = row["per_student"]
        print(
            f"  wall {row['wall_seconds']} s, failures {row['failures']}, machine peak "
            f"{row['machine_peak_used_mb']} MB, training "
            f"{[s['training_notebook_seconds'] for s in per]} s, peak MB {[s['peak_mb'] for s in per]}",
            flush=True,
        )
        args.out.write_text(json.dumps(results, indent=1) + "\n")  # after each round: nothing is lost
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
