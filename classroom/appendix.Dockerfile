# Added to the end of the image repo2docker builds from binder/, for a class hub only (Binder
# itself does not need it): nbgrader for the students' Assignments tab, without the instructor's
# tools (disabled and locked, so a student cannot switch them back on in JupyterLab's settings).
# Build: jupyter-repo2docker --no-run --appendix "$(cat classroom/appendix.Dockerfile)" ...
# (docs/classroom.md); tests/test_classroom_config.py checks that repo2docker accepts it.
RUN pip install --no-cache-dir nbgrader==0.9.6 \
 && jupyter server extension disable --sys-prefix nbgrader.server_extensions.formgrader \
 && jupyter labextension disable --level=sys_prefix @jupyter/nbgrader:formgrader @jupyter/nbgrader:create-assignment \
 && jupyter labextension lock --level=sys_prefix @jupyter/nbgrader:formgrader @jupyter/nbgrader:create-assignment
