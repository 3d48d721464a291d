"""nbgrader's settings for every user's server on The Littlest JupyterHub (docs/classroom.md).

Copy to /opt/tljh/user/etc/jupyter/nbgrader_config.py. It tells the Assignments tab which course
to show and where the exchange folder is. Not the instructor's course settings (those are in
the course folder's own nbgrader_config.py, like exercises/nbgrader_config.py). On Zero to
JupyterHub there is no exchange (docs/classroom.md says why), so this file is not used there.
"""

c = get_config()  # noqa: F821 - nbgrader defines get_config when it reads this file

c.CourseDirectory.course_id = "mnist-convnet"  # the same id as exercises/nbgrader_config.py
# The exchange: a folder made by the administrator, mode 1777 (docs/classroom.md).
c.Exchange.root = "/srv/nbgrader/exchange"
