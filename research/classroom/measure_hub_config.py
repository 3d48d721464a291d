"""The JupyterHub that research/classroom/measure_classroom.py starts to measure a class on one machine.

A real JupyterHub with its real proxy (configurable-http-proxy), on 127.0.0.1 only, with test
accounts: every student gets a single-user Jupyter server in a home folder of their own, started
by the hub as a local process. It is a measuring rig, not a deployment: SimpleLocalProcessSpawner
gives no isolation between users, and the students of the round log in with one shared password
(SharedPasswordAuthenticator; only the round's names are allowed). For a real class use The
Littlest JupyterHub or Zero to JupyterHub with the settings in classroom/ (docs/classroom.md).

The script sets every value below through environment variables (ports, folders, the students'
names, the test password, the driver's API token), so this file holds no secret and no
machine-specific path.
`tests/test_classroom_config.py` loads it into JupyterHub's own configuration classes and fails
on any setting JupyterHub does not recognise.
"""

import os

c = get_config()  # noqa: F821 - JupyterHub defines get_config when it reads this file

run_dir = os.environ["CLASSROOM_RUN_DIR"]  # a temporary folder: the hub's database, the homes

# Loopback only: the proxy (what students' browsers talk to), the hub and the proxy's API.
c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = int(os.environ["CLASSROOM_PROXY_PORT"])
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = int(os.environ["CLASSROOM_HUB_PORT"])
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{os.environ['CLASSROOM_PROXY_API_PORT']}"
c.ConfigurableHTTPProxy.command = [os.environ["CLASSROOM_PROXY_COMMAND"]]
c.ConfigurableHTTPProxy.should_start = True

# What the hub writes stays in the run's folder (removed by the script afterwards).
c.JupyterHub.db_url = f"sqlite:///{run_dir}/jupyterhub.sqlite"
c.JupyterHub.cookie_secret_file = f"{run_dir}/jupyterhub_cookie_secret"
c.JupyterHub.log_level = "WARN"

# Test accounts: the round's students (student01, student02, ...), one shared password.
c.JupyterHub.authenticator_class = "shared-password"
c.SharedPasswordAuthenticator.user_password = os.environ["CLASSROOM_PASSWORD"]
c.Authenticator.allowed_users = set(os.environ["CLASSROOM_STUDENTS"].split(","))

# One local process per student, started in that student's own home folder.
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = f"{run_dir}/home/{{username}}"
c.Spawner.cmd = [os.environ["CLASSROOM_SINGLEUSER"]]
# The script runs as root on its test machine; Jupyter Server refuses root unless told.
c.Spawner.args = ["--ServerApp.allow_root=True"]
c.Spawner.default_url = "/lab"
c.Spawner.start_timeout = 300
c.Spawner.http_timeout = 300
# The learner's environment: the tutorial's helpers (utils/) on the path, and classroom mode
# (TUTORIAL_THREADS, utils/setup.py) when the script measures it.
environment = {"PYTHONPATH": os.environ["CLASSROOM_REPOSITORY"]}
if os.environ.get("CLASSROOM_THREADS"):
    environment["TUTORIAL_THREADS"] = os.environ["CLASSROOM_THREADS"]
c.Spawner.environment = environment

# The script drives the class through the hub's REST API as this service.
c.JupyterHub.services = [{"name": "classroom-driver", "api_token": os.environ["CLASSROOM_API_TOKEN"]}]
c.JupyterHub.load_roles = [
    {
        "name": "classroom-driver",
        "scopes": ["admin:users", "admin:servers", "tokens", "access:servers"],
        "services": ["classroom-driver"],
    }
]
