"""nbgrader's settings for every student's server on a class hub (docs/classroom.md).

Not the instructor's course folder settings (those are exercises/nbgrader_config.py): this file
tells the students' Assignments tab which course to show and where the shared exchange folder
is. The Littlest JupyterHub: copy it to /opt/tljh/user/etc/jupyter/nbgrader_config.py. Zero to
JupyterHub: `helm upgrade ... --set-file singleuser.extraFiles.nbgrader-config.stringData=classroom/nbgrader_config.py`
(classroom/config.yaml mounts it at /etc/jupyter/nbgrader_config.py).
tests/test_classroom_config.py checks every setting against nbgrader's own classes.
"""

c = get_config()  # noqa: F821 - nbgrader defines get_config when it reads this file

c.CourseDirectory.course_id = "mnist-convnet"  # the same id as exercises/nbgrader_config.py
# The exchange: one folder every student's server can write to (nbgrader's default place).
c.Exchange.root = "/srv/nbgrader/exchange"
