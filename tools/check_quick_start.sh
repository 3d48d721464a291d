#!/usr/bin/env bash
# Proves the README's first quick-start command works on a fresh machine.
#
# It clones the committed repository into a temporary folder, runs the command exactly as the
# README writes it (a new virtual environment from requirements.txt alone, then JupyterLab on
# the first notebook), with JupyterLab made headless by options added at the end. It then
# checks that the server opens and serves the notebook, and runs that notebook top to bottom
# in the new environment. Run it from anywhere: bash tools/check_quick_start.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
lab_pid="" port=""
cleanup() {  # the command runs in a subshell: stop its JupyterLab by the port it was given
  [[ -n $port ]] && pkill -f -- "--ServerApp.port=$port" 2>/dev/null
  [[ -n $lab_pid ]] && kill "$lab_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM  # so that an interrupted check still stops its JupyterLab

git clone --quiet "$root" "$work/repo"
cd "$work/repo"
command=$(grep -m1 -E '^python3 -m venv .*jupyter lab ' README.md) || {
  echo "The README has no quick-start line that ends by opening JupyterLab." >&2; exit 1; }
notebook=${command##* }
echo "README command: $command"

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
token=$(python3 -c 'import secrets; print(secrets.token_hex(16))')
headless="--no-browser --ServerApp.port=$port --IdentityProvider.token=$token"
[[ $(id -u) == 0 ]] && headless+=" --allow-root"  # CI machines run as root; JupyterLab refuses without it
eval "$command $headless" > "$work/lab.log" 2>&1 &
lab_pid=$!

# JupyterLab serves the repository's root folder (--ServerApp.root_dir=.): the notebook by its path.
url="http://127.0.0.1:$port/api/contents/$notebook?content=0&token=$token"
for _ in $(seq 900); do  # the setup part installs first: allow up to 15 minutes
  if curl -fsS "$url" > /dev/null 2>&1; then break; fi
  kill -0 "$lab_pid" 2>/dev/null || { tail -20 "$work/lab.log"; echo "The command failed." >&2; exit 1; }
  sleep 1
done
curl -fsS "$url" | python3 -c 'import json, sys; print("JupyterLab serves", json.load(sys.stdin)["name"])'
curl -fsS "http://127.0.0.1:$port/lab?token=$token" | grep -q "JupyterLab" && echo "JupyterLab's page loads"
curl -fsS "http://127.0.0.1:$port/api/contents/README.md?content=0&token=$token" > /dev/null \
  && echo "the README is reachable from the notebooks' links (JupyterLab is rooted at the repository)"
# The page lists JupyterLab's extensions: a learner's has none of nbgrader's instructor menus.
if curl -fsS "http://127.0.0.1:$port/lab?token=$token" | grep -qi nbgrader; then
  echo "nbgrader's instructor extensions are in a learner's JupyterLab" >&2; exit 1
fi

.venv/bin/jupyter nbconvert --to notebook --execute --output "$work/ran.ipynb" "$notebook" 2> "$work/nbconvert.log" \
  || { tail -20 "$work/nbconvert.log"; echo "$notebook failed in the fresh environment." >&2; exit 1; }
echo "$notebook ran top to bottom in the fresh environment: quick start OK"
