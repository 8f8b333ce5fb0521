"""A real IMAP server on loopback for the intake tests: Debian's dovecot, unprivileged, in a tmp dir.

The config (passwd-file auth, a Maildir per user, one plain IMAP listener on a free
127.0.0.1 port, no TLS, no system paths) is written to a temporary directory; the server is
started with ``dovecot -F`` as a child process and stopped at the end of the session. Run as
root (CI), its login and internal processes run as Debian's ``dovenull`` and ``dovecot``
users; run as anyone else, as that user.
"""

from __future__ import annotations

import grp
import imaplib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

DOVECOT = "/usr/sbin/dovecot"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class ImapServer:
    host: str
    port: int
    root: Path
    process: subprocess.Popen[bytes]
    users: dict[str, str]

    def connect(self, user: str) -> imaplib.IMAP4:
        conn = imaplib.IMAP4(self.host, self.port, timeout=10)
        conn.login(user, self.users[user])
        return conn

    def append(self, user: str, raw: bytes, folder: str = "INBOX") -> None:
        conn = self.connect(user)
        try:
            typ, data = conn.append(folder, None, None, raw)
            assert typ == "OK", data
        finally:
            conn.logout()

    def clear(self, user: str, folder: str = "INBOX") -> None:
        conn = self.connect(user)
        try:
            conn.select(folder)
            _typ, data = conn.uid("SEARCH", "ALL")
            if data and data[0]:
                conn.uid("STORE", b",".join(data[0].split()).decode(), "+FLAGS.SILENT", r"(\Deleted)")
                conn.expunge()
        finally:
            conn.logout()

    def mark_all_seen(self, user: str, folder: str = "INBOX") -> None:
        """What a person reading the mailbox in a mail client does."""
        conn = self.connect(user)
        try:
            conn.select(folder)
            conn.store("1:*", "+FLAGS", r"(\Seen)")
        finally:
            conn.logout()

    def unseen(self, user: str, folder: str = "INBOX") -> list[int]:
        conn = self.connect(user)
        try:
            conn.select(folder, readonly=True)
            _typ, data = conn.uid("SEARCH", "UNSEEN")
            return [int(u) for u in (data[0] or b"").split()]
        finally:
            conn.logout()

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        shutil.rmtree(self.root, ignore_errors=True)


def start(users: dict[str, str]) -> ImapServer:
    root = Path(tempfile.mkdtemp(prefix="xinxi-imap-"))
    port = _free_port()
    if os.geteuid() == 0:
        internal, login = "dovecot", "dovenull"
    else:
        internal = login = pwd.getpwuid(os.getuid()).pw_name
    entry = pwd.getpwnam(internal)
    group = grp.getgrgid(entry.pw_gid).gr_name
    (root / "passwd").write_text("".join(f"{u}:{{PLAIN}}{p}\n" for u, p in users.items()))
    (root / "dovecot.conf").write_text(f"""\
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = {internal}
default_internal_group = {group}
default_login_user = {login}
first_valid_uid = 0
mail_location = maildir:{root}/mail/%u
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = static
  args = uid={entry.pw_uid} gid={entry.pw_gid} home={root}/home/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
  chroot =
}}
service anvil {{
  chroot =
}}
""")
    root.chmod(0o755)
    if os.geteuid() == 0:
        for path in [root, *root.iterdir()]:
            os.chown(path, entry.pw_uid, entry.pw_gid)
    process = subprocess.Popen([DOVECOT, "-F", "-c", str(root / "dovecot.conf")],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 15
    server = ImapServer("127.0.0.1", port, root, process, users)
    while True:
        try:
            server.connect(next(iter(users))).logout()
            return server
        except (OSError, imaplib.IMAP4.error):
            if time.monotonic() > deadline or process.poll() is not None:
                log = (root / "dovecot.log").read_text() if (root / "dovecot.log").exists() else ""
                server.stop()
                raise RuntimeError(f"dovecot did not start: {log[-2000:]}") from None
            time.sleep(0.2)
