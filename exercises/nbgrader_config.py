"""nbgrader's settings for the exercises: this folder is the course directory.

Run nbgrader from this folder (`cd exercises`), e.g. `nbgrader generate_assignment mnist --force`;
see docs/instructors.md for the whole release, collect and grade cycle.
"""

c = get_config()  # noqa: F821 - nbgrader defines get_config when it reads this file

c.CourseDirectory.course_id = "mnist-convnet"
# Student copies keep the line above each solution (`answer = None`) and get this marker instead
# of nbgrader's default `raise NotImplementedError()`: an untouched answer stays None, and the
# check after it says "Not done yet" instead of showing a traceback.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE"}
# Student copies carry no outputs; "Runs in about N s" in each title cell says what to expect.
c.ClearOutput.enabled = True
# Training cells take up to a couple of minutes on one CPU; nbgrader's default is 30 s per cell.
c.Execute.timeout = 900
