# Only on Colab, which opens this notebook alone: fetch the rest of the tutorial first.
import os
import subprocess
import sys
from importlib import metadata

if "COLAB_RELEASE_TAG" in os.environ:
    REPOSITORY = "https://github.com/OWNER/NAME.git"
    BRANCH = "main"
    FOLDER = "notebooks"

    class SetupFailed(Exception):
        def _render_traceback_(self) -> list[str]:  # Colab shows this sentence alone, without a traceback
            return [str(self)]

    def step(what: str, command: list[str]) -> None:
        """Run a command, showing its output as it comes, so that the wait is visible."""
        print(f"{what}; this usually takes less than a minute.", flush=True)
        shown = []
        with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) as run:
            for line in run.stdout or []:
                shown.append(line.strip())
                print("   ", line.rstrip(), flush=True)
        if run.returncode != 0:
            said = next((line for line in reversed(shown) if line), "no message")
            raise SetupFailed(
                f"{what} failed ({said}). Check that this runtime is online, then run this cell again."
            )

    # In the folder Colab starts in (/content, its Files pane), so what you save is easy to find.
    name = REPOSITORY.rsplit("/", 1)[-1].removesuffix(".git")
    TUTORIAL = os.environ.setdefault("TUTORIAL_FOLDER", os.path.abspath(name))
    if not os.path.isdir(os.path.join(TUTORIAL, ".git")):
        step(
            "Fetching the tutorial", ["git", "clone", "--depth=1", f"--branch={BRANCH}", REPOSITORY, TUTORIAL]
        )
    try:
        metadata.version("mnist-convnet-tutorial")
    except metadata.PackageNotFoundError:  # also after an install that failed: try it again
        install = [sys.executable, "-m", "pip", "install", "--progress-bar=off", "-e", TUTORIAL]
        step("Installing its helpers (Colab's own TensorFlow stays)", install)
    sys.path.insert(0, TUTORIAL)
    os.chdir(os.path.join(TUTORIAL, FOLDER))
    print(f"The tutorial is in {TUTORIAL}; what this notebook saves goes under {os.getcwd()}.")
