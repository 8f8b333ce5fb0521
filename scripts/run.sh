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
# 通知也走邮件和短信通道：未设 EMAIL_HOST 时邮件写入 var/mail/（发件箱），短信写入 var/sms-outbox.log。
# Notifications also go by e-mail and SMS: without EMAIL_HOST mail is written to var/mail/
# (an outbox), SMS to var/sms-outbox.log (see docs/operations.md). Set it empty to turn them off.
export XINXI_NOTIFICATION_CHANNELS="${XINXI_NOTIFICATION_CHANNELS-xinxi.notifications.email.EmailChannel,xinxi.notifications.sms.SmsChannel}"
PORT="${PORT:-8000}"

xinxi_setup runtime

# 中文字体与字体子集库：PDF 导出需要（Debian 的 fonts-noto-cjk、libharfbuzz-subset0）；缺少时能装就装，不能装就说明。
# Chinese fonts and HarfBuzz's subsetter for PDF export: without the fonts PDF export is
# refused; without libharfbuzz-subset0 WeasyPrint embeds whole CJK fonts (a minute per PDF).
has_cjk_font() {
    { command -v fc-list >/dev/null 2>&1 && [[ -n "$(fc-list :lang=zh family 2>/dev/null)" ]]; } \
        || [[ -f /usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc ]]
}
has_hb_subset() {
    ldconfig -p 2>/dev/null | grep -q 'libharfbuzz-subset\.so'
}
if ! has_cjk_font || ! has_hb_subset; then
    if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
        heading "安装中文字体 / Installing fonts-noto-cjk and libharfbuzz-subset0"
        if ! xinxi_apt_install fonts-noto-cjk libharfbuzz-subset0; then
            echo "注意：fonts-noto-cjk / libharfbuzz-subset0 安装失败，PDF 导出可能被拒绝或很慢（Word 导出不受影响）。"
        fi
    else
        has_cjk_font || echo "注意：本机没有中文字体，PDF 导出会被拒绝（Word 导出不受影响）。"
        has_hb_subset || echo "注意：缺少 libharfbuzz-subset0，PDF 导出会很慢。"
        echo "      请以 root 身份运行：apt-get install --no-install-recommends fonts-noto-cjk libharfbuzz-subset0"
        echo "Note: as root, run: apt-get install --no-install-recommends fonts-noto-cjk libharfbuzz-subset0 (PDF export needs them)"
    fi
fi

heading "收集静态文件 / Collecting static files"
python manage.py collectstatic --noinput --verbosity 0

heading "加载演示数据 / Loading the demo province"
python manage.py load_demo
python manage.py load_demo_items
python manage.py load_demo_scores
python manage.py load_demo_urgent
python manage.py load_demo_assignments

# 后台任务 worker（督办提醒等例行任务）与 web 进程一起启动、一起退出。
# The background worker (supervision reminders and other periodic sweeps) starts with
# the web server and stops with it; its output goes to var/worker.log.
heading "启动后台任务 / Starting the background worker"
mkdir -p var
python manage.py worker >>var/worker.log 2>&1 &
WORKER_PID=$!
trap 'kill "$WORKER_PID" 2>/dev/null || true' EXIT INT TERM
echo "后台任务已启动（日志 var/worker.log）/ Worker running (log: var/worker.log)"

heading "启动 / Serving"
echo "打开 / Open: http://127.0.0.1:${PORT}/   （按 Ctrl+C 停止 / Ctrl+C to stop）"
python -m waitress --listen="127.0.0.1:${PORT}" xinxi.wsgi:application
