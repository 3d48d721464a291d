# Added to the end of the image repo2docker builds from binder/, for a Zero to JupyterHub class
# only (Binder itself does not need it): nbgrader's command line, for grading in this same
# environment (docs/classroom.md), and its Validate button for students; nbgitpuller, for the
# instructor's own notebooks. binder/postBuild's learner settings (jupyter-settings/) switch
# nbgrader's whole JupyterLab extension off, so it is switched on again here; then, as on
# Kubernetes students have no nbgrader exchange, the Assignments and Courses tabs and the
# instructor's tools are switched off, and locked, so that a student cannot switch them back on
# in JupyterLab's settings.
# Build: jupyter-repo2docker --no-run --appendix "$(cat classroom/appendix.Dockerfile)" ...
RUN pip install --no-cache-dir nbgrader==0.9.6 nbgitpuller==1.3.0 \
 && jupyter server extension disable --sys-prefix nbgrader.server_extensions.formgrader \
 && jupyter server extension disable --sys-prefix nbgrader.server_extensions.assignment_list \
 && jupyter server extension disable --sys-prefix nbgrader.server_extensions.course_list \
 && jupyter labextension enable --level=sys_prefix @jupyter/nbgrader \
 && jupyter labextension disable --level=sys_prefix @jupyter/nbgrader:formgrader @jupyter/nbgrader:create-assignment @jupyter/nbgrader:assignment-list @jupyter/nbgrader:course-list \
 && jupyter labextension lock --level=sys_prefix @jupyter/nbgrader:formgrader @jupyter/nbgrader:create-assignment @jupyter/nbgrader:assignment-list @jupyter/nbgrader:course-list
