"""Extra JupyterHub settings for The Littlest JupyterHub serving this tutorial (docs/classroom.md).

Copy to /opt/tljh/config/jupyterhub_config.d/tutorial.py, then `sudo tljh-config reload hub`.
Memory and CPU limits and the idle culler are set with `tljh-config` (docs/classroom.md);
tests/test_classroom_config.py checks every setting here against JupyterHub's own classes.
"""

c = get_config()  # noqa: F821 - JupyterHub defines get_config when it reads this file

c.Spawner.default_url = "/lab"
# MNIST, verified once by the administrator (docs/classroom.md), read by every student: no
# student downloads it. (Classroom mode, TUTORIAL_THREADS, is left off: measured, it did not
# make a class's training faster; docs/classroom.md.)
c.Spawner.environment = {"MNIST_NPZ": "/srv/tutorial/mnist-verified.npz"}
