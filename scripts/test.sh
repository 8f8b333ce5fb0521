#!/usr/bin/env bash
# Test Xinxi: lint, types, migrations, then the whole test suite (browser tests included).
#
#   bash scripts/test.sh                 # everything
#   bash scripts/test.sh -k demo -x      # extra arguments go to pytest
#
# pytest runs on SQLite; when DATABASE_URL points at PostgreSQL it runs there too.
# Every step runs even after a failure; the summary names the failed ones and the
# exit status is 1 if any failed.
set -euo pipefail
# shellcheck source=scripts/_setup.sh
source "$(dirname "${BASH_SOURCE[0]}")/_setup.sh"

xinxi_setup dev

find_chromium() {
    command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1
}

# What the browser and PDF tests need from Debian: chromium, CJK fonts, HarfBuzz's subsetter.
missing_packages() {
    find_chromium || printf 'chromium '
    { command -v fc-list >/dev/null 2>&1 && [[ -n "$(fc-list :lang=zh family 2>/dev/null)" ]]; } \
        || printf 'fonts-noto-cjk '
    ldconfig -p 2>/dev/null | grep -q 'libharfbuzz-subset\.so' || printf 'libharfbuzz-subset0 '
    # The e-mail intake tests read mail from a real IMAP server on loopback: Debian's dovecot.
    [[ -x /usr/sbin/dovecot ]] || printf 'dovecot-imapd '
    # The backup/restore tests on PostgreSQL run pg_dump and pg_restore.
    if [[ ${DATABASE_URL:-} == postgres* ]] && ! command -v pg_dump >/dev/null 2>&1; then
        printf 'postgresql-client '
    fi
}
missing="$(missing_packages)"
if [[ -n $missing && $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
    heading "安装 / Installing: $missing"
    # shellcheck disable=SC2086  # a list of package names
    if ! xinxi_apt_install $missing; then
        printf 'apt-get 安装失败 / apt-get install failed\n' >&2
    fi
fi
find_chromium || die "浏览器测试需要 Debian 的 chromium，但未找到。请安装：sudo apt-get install --no-install-recommends chromium fonts-noto-cjk libharfbuzz-subset0
Browser tests need Debian's chromium, which was not found. Install it: sudo apt-get install --no-install-recommends chromium fonts-noto-cjk libharfbuzz-subset0"
[[ -x /usr/sbin/dovecot ]] || die "邮件收稿测试需要 Debian 的 dovecot-imapd，但未找到。请安装：sudo apt-get install --no-install-recommends dovecot-imapd
The e-mail intake tests need Debian's dovecot-imapd, which was not found. Install it: sudo apt-get install --no-install-recommends dovecot-imapd"

failed=()

# step "title" command...: runs the command under a heading and remembers a failure.
step() {
    local title="$1" started=$SECONDS status=0
    shift
    heading "$title"
    "$@" || status=$?
    if ((status == 0)); then
        printf -- '--- 通过 / passed (%ss)\n' "$((SECONDS - started))"
    else
        printf -- '--- 失败 / FAILED, exit %s (%ss)\n' "$status" "$((SECONDS - started))"
        failed+=("$title")
    fi
}

step "ruff check" ruff check .
step "mypy" mypy xinxi
step "makemigrations --check" python manage.py makemigrations --check --dry-run
# Exit status 5 (no tests collected) counts as a failure like any other non-zero status.
step "pytest (SQLite)" env -u DATABASE_URL python -m pytest "$@"
if [[ ${DATABASE_URL:-} == postgres* ]]; then
    step "pytest (PostgreSQL)" python -m pytest "$@"
fi

echo
if ((${#failed[@]})); then
    printf '失败的步骤 / Failed steps:\n'
    printf '  - %s\n' "${failed[@]}"
    exit 1
fi
echo "全部通过 / All steps passed."
