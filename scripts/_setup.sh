# shellcheck shell=bash
# Shared setup, sourced by scripts/run.sh and scripts/test.sh (not run on its own).
#
#   xinxi_setup runtime|dev
#
# finds Python >= 3.12, creates .venv (again, if its Python is too old or gone),
# installs requirements.txt (runtime) or requirements-dev.txt (dev) only when the
# file changed since the last install (a hash is kept in .venv), puts .venv/bin
# first on PATH and migrates the database. Works from any directory: it cd's to
# the repository root.

set -euo pipefail

XINXI_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$XINXI_ROOT"

heading() {
    printf '\n==> %s\n' "$*"
}

die() {
    printf '\n错误 / Error: %s\n' "$*" >&2
    exit 1
}

# True when "$1" runs and is Python >= 3.12 (pyenv shims of unselected versions fail here).
xinxi_python_ok() {
    "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1
}

# Prints the path of the first Python >= 3.12 found, or fails.
xinxi_find_python() {
    local candidate
    for candidate in python3.13 python3.12 python3; do
        if command -v "$candidate" >/dev/null 2>&1 && xinxi_python_ok "$candidate"; then
            "$candidate" -c 'import sys; print(sys.executable)'
            return 0
        fi
    done
    for candidate in "$HOME"/.pyenv/versions/3.13*/bin/python "$HOME"/.pyenv/versions/3.12*/bin/python; do
        if [[ -x $candidate ]] && xinxi_python_ok "$candidate"; then
            printf '%s\n' "$candidate"
            return 0
        fi
    done
    return 1
}

xinxi_venv() {
    if [[ -x .venv/bin/python ]] && xinxi_python_ok .venv/bin/python; then
        return 0
    fi
    local python
    python="$(xinxi_find_python)" || die "未找到 Python 3.12 或更高版本（试过 python3.13、python3.12、python3 和 ~/.pyenv/versions/3.1[23]*）。请先安装 Python ≥ 3.12。
Python 3.12 or newer was not found (tried python3.13, python3.12, python3 and ~/.pyenv/versions/3.1[23]*). Please install Python >= 3.12."
    heading "创建虚拟环境 / Creating .venv with $python"
    "$python" -m venv --clear .venv
}

# Hash of a requirements file together with the files it includes (-r).
xinxi_requirements_hash() {
    local file="$1" included
    included="$(sed -n 's/^-r[[:space:]]*//p' "$file")"
    # shellcheck disable=SC2086  # included files are plain names, one per line
    cat "$file" $included | .venv/bin/python -c 'import hashlib, sys; print(hashlib.sha256(sys.stdin.buffer.read()).hexdigest())'
}

xinxi_install() {
    local kind="$1" file stamp wanted
    case "$kind" in
        runtime) file=requirements.txt ;;
        dev) file=requirements-dev.txt ;;
        *) die "xinxi_setup: unknown kind '$kind' (runtime|dev)" ;;
    esac
    stamp=".venv/.xinxi-requirements-$kind.sha256"
    wanted="$(xinxi_requirements_hash "$file")"
    if [[ -f $stamp && "$(cat "$stamp")" == "$wanted" ]]; then
        return 0
    fi
    heading "安装依赖 / Installing $file"
    .venv/bin/python -m pip install -qq --disable-pip-version-check -r "$file"
    printf '%s\n' "$wanted" >"$stamp"
    if [[ $kind == dev ]]; then  # the dev set includes the runtime set
        xinxi_requirements_hash requirements.txt >.venv/.xinxi-requirements-runtime.sha256
    fi
}

# xinxi_apt_install PACKAGE...: installs Debian packages without their recommends (only
# what is named and what it depends on), refreshing the package lists once if needed.
xinxi_apt_install() {
    local apt=(env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends)
    "${apt[@]}" "$@" >/dev/null 2>&1 \
        || { apt-get update -qq >/dev/null && "${apt[@]}" "$@" >/dev/null; }
}

xinxi_setup() {
    local kind="${1:-runtime}"
    xinxi_venv
    xinxi_install "$kind"
    export VIRTUAL_ENV="$XINXI_ROOT/.venv"
    export PATH="$VIRTUAL_ENV/bin:$PATH"
    heading "数据库迁移 / Migrating the database"
    python manage.py migrate --noinput --verbosity 0
}
