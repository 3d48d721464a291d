"""Extra JupyterHub settings for The Littlest JupyterHub serving this tutorial (docs/classroom.md).

Copy to /opt/tljh/config/jupyterhub_config.d/tutorial.py, then `sudo tljh-config reload hub`.
Memory and CPU limits and the idle culler are set with `tljh-config` (docs/classroom.md);
tests/test_classroom_config.py checks every setting here against JupyterHub's own classes.
"""

c = get_config()  # noqa: F821 - JupyterHub defines get_config when it reads this file

c.Spawner.default_url = "/lab"
c.Spawner.environment = {
    # Classroom mode (utils/setup.py): one TensorFlow thread per student's kernel, measured to
    # finish a class's training sooner than two threads each when students outnumber cores.
    "TUTORIAL_THREADS": "1",
    # MNIST, verified once by the administrator (docs/classroom.md), read by every student:
    # no student downloads it.
    "MNIST_NPZ": "/srv/tutorial/mnist.npz",
}
