"""Extra JupyterHub settings for The Littlest JupyterHub serving this tutorial (docs/classroom.md).

Copy to /opt/tljh/config/jupyterhub_config.d/tutorial.py, then `sudo tljh-config reload hub`.
Everything else (login, HTTPS, limits, the idle culler) is in classroom/tljh-config.yaml.
"""

c = get_config()  # noqa: F821 - JupyterHub defines get_config when it reads this file

# MNIST, downloaded and verified once by the administrator (docs/classroom.md), read by every
# student: no student downloads it. (Classroom mode, TUTORIAL_THREADS, is left off: measured,
# it did not make a class's training faster; docs/classroom.md.)
c.Spawner.environment = {"MNIST_NPZ": "/srv/mnist/mnist-verified.npz"}
