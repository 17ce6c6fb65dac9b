#!/usr/bin/env bash
# Prepare this checkout: system packages (when we may install them), then a
# local virtual environment in .venv with the project and its test tools.
# Usage: scripts/setup.sh [--test]   (--test adds what the test suite needs)
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(espeak-ng libespeak-ng1 alsa-utils libportaudio2)
if [ "${1:-}" = "--test" ]; then
    packages+=(pulseaudio pulseaudio-utils tmux)
fi

missing=()
if command -v dpkg >/dev/null 2>&1; then
    for p in "${packages[@]}"; do
        dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
    done
fi
if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "Installing system packages: ${missing[*]}"
        if ! { apt-get update -q >/dev/null &&
               DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
                   "${missing[@]}" >/dev/null; }; then
            echo "Note: could not install ${missing[*]}; speech stays off until they are."
        fi
    else
        echo "Note: these system packages are missing: ${missing[*]}"
        echo "      Install them with: sudo apt-get install ${missing[*]}"
        echo "      The assistant still works in text; speech stays off until then."
    fi
fi

python=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
    "$python" -m venv .venv
fi
stamp=.venv/.installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
    .venv/bin/python -m pip install -q --upgrade pip >/dev/null
    .venv/bin/python -m pip install -q -e ".[test]"
    touch "$stamp"
fi
