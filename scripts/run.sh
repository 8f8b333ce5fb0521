#!/usr/bin/env bash
# Run Xinxi on this machine: set up, migrate, load the demo province, serve.
#
#   bash scripts/run.sh            # http://127.0.0.1:8000/
#   PORT=8765 bash scripts/run.sh
#
# SQLite under var/ unless DATABASE_URL is set; DEBUG is off unless DEBUG=true.
# Safe to run again: migrations, static files and demo data are all idempotent.
set -euo pipefail
# shellcheck source=scripts/_setup.sh
source "$(dirname "${BASH_SOURCE[0]}")/_setup.sh"

export DEBUG="${DEBUG:-false}"
PORT="${PORT:-8000}"

xinxi_setup runtime

heading "收集静态文件 / Collecting static files"
python manage.py collectstatic --noinput --verbosity 0

heading "加载演示数据 / Loading the demo province"
python manage.py load_demo
python manage.py load_demo_items

# 后台任务 worker（截止提醒、月度通报等）将在这里与 web 进程一起启动、一起退出。
# Background worker: a later change starts it here, alongside the web server.

heading "启动 / Serving"
echo "打开 / Open: http://127.0.0.1:${PORT}/   （按 Ctrl+C 停止 / Ctrl+C to stop）"
exec python -m waitress --listen="127.0.0.1:${PORT}" xinxi.wsgi:application
