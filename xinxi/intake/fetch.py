"""Reading a desk's mailbox over IMAP (the worker's sweep ``intake_mail``, every five minutes).

For each active mailbox: log in (SSL, STARTTLS or plain), select the folder, read its
UIDVALIDITY, search the UIDs not yet \\Seen and (once it knows where it got to: the mailbox's
``uidvalidity`` and ``last_uid``) every later UID, read or not — a person reading the mailbox
in a mail client loses nothing — and for each UID not recorded under this UIDVALIDITY fetch the
raw message (BODY.PEEK[], which does not set \\Seen) and record it through
``services.intake_ingest`` (its own transaction). Only after the record is committed is the
message marked \\Seen on the server. A crash between the two leaves an unseen message whose UID
is recorded: the next sweep skips it (and marks it seen). A message already taken under another
UID (UIDVALIDITY changed, a copy in the folder) is recognised by its Message-ID. Quiet when
nothing is new; a mailbox that fails is noted on it (``last_error``) and the others still go.
"""

from __future__ import annotations

import contextlib
import imaplib
import logging
import re
import ssl

from django.utils import timezone

from xinxi.intake.models import IntakeMessage, Mailbox, Security
from xinxi.intake.services import intake_ingest

logger = logging.getLogger(__name__)
TIMEOUT = 30  # seconds per IMAP connection
BATCH = 200  # messages per mailbox per sweep: a huge backlog drains over several sweeps


class FetchError(Exception):
    pass


UNREADABLE_PASSWORD = "邮箱密码无法读取（未保存，或服务器密钥 SECRET_KEY 已更换），请在收稿邮箱设置中重新填写密码"


def _connect(mailbox: Mailbox) -> imaplib.IMAP4:
    if mailbox.security == Security.SSL:
        return imaplib.IMAP4_SSL(mailbox.host, mailbox.port, ssl_context=ssl.create_default_context(),
                                 timeout=TIMEOUT)
    conn = imaplib.IMAP4(mailbox.host, mailbox.port, timeout=TIMEOUT)
    if mailbox.security == Security.STARTTLS:
        conn.starttls(ssl.create_default_context())
    return conn


def _quote(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _status(conn: imaplib.IMAP4, folder: str) -> tuple[int, int]:
    """The folder's UIDVALIDITY and UIDNEXT."""
    typ, data = conn.status(_quote(folder), "(UIDVALIDITY UIDNEXT)")
    text = data[0] if typ == "OK" and data and isinstance(data[0], bytes) else b""
    validity, uidnext = re.search(rb"UIDVALIDITY (\d+)", text), re.search(rb"UIDNEXT (\d+)", text)
    if validity is None or uidnext is None:
        raise FetchError("服务器没有返回 UIDVALIDITY")
    return int(validity.group(1)), int(uidnext.group(1))


def _fetch_raw(conn: imaplib.IMAP4, uid: int) -> bytes | None:
    typ, data = conn.uid("FETCH", str(uid), "(BODY.PEEK[])")
    if typ != "OK":
        return None
    for part in data:
        if isinstance(part, tuple) and len(part) == 2:
            return bytes(part[1])
    return None


def _mark_seen(conn: imaplib.IMAP4, uid: int) -> None:
    conn.uid("STORE", str(uid), "+FLAGS.SILENT", r"(\Seen)")


def _search(conn: imaplib.IMAP4, criteria: str) -> set[int]:
    found: str
    found, data = conn.uid("SEARCH", criteria)
    return {int(u) for u in (data[0] or b"").split()} if found == "OK" and data else set()


def _candidates(conn: imaplib.IMAP4, mailbox: Mailbox, validity: int) -> list[int]:
    """The UIDs to look at: the unseen ones, and (once the sweep knows where it got to in this
    UIDVALIDITY) every later one, read or not. A first sweep takes only the unseen: a mailbox
    with years of read mail does not flood the queue."""
    uids = _search(conn, "UNSEEN")
    if mailbox.uidvalidity == validity and mailbox.last_uid is not None:
        later = mailbox.last_uid + 1
        uids |= {u for u in _search(conn, f"UID {later}:*") if u >= later}  # n:* always names the last one
    return sorted(uids)[:BATCH]


def _advance(mailbox: Mailbox, validity: int, uid: int) -> None:
    if mailbox.uidvalidity != validity or mailbox.last_uid is None or uid > mailbox.last_uid:
        mailbox.uidvalidity, mailbox.last_uid = validity, uid
        Mailbox.objects.filter(pk=mailbox.pk).update(uidvalidity=validity, last_uid=uid)


def fetch_mailbox(mailbox: Mailbox) -> int:
    """Take the new messages of one mailbox; returns how many were recorded."""
    taken = 0
    if not mailbox.password:  # stored sealed (lib.sealed): empty when this server's key cannot open it
        raise FetchError(UNREADABLE_PASSWORD)
    conn = _connect(mailbox)
    try:
        conn.login(mailbox.username, mailbox.password)
        selected: str = conn.select(_quote(mailbox.folder))[0]
        if selected != "OK":
            raise FetchError(f"无法打开文件夹“{mailbox.folder}”")
        validity, uidnext = _status(conn, mailbox.folder)
        uids = _candidates(conn, mailbox, validity)
        recorded = set(
            IntakeMessage.objects.filter(mailbox=mailbox, uidvalidity=validity, uid__in=uids).values_list(
                "uid", flat=True)
        )
        if mailbox.uidvalidity != validity:  # a first sweep, or the folder was rebuilt: from here on
            _advance(mailbox, validity, uidnext - 1)
        for uid in uids:
            if uid not in recorded:
                raw = _fetch_raw(conn, uid)
                if raw is None:
                    continue
                message = intake_ingest(desk=mailbox.desk, raw=raw, mailbox=mailbox, uidvalidity=validity, uid=uid)
                taken += message is not None
            _mark_seen(conn, uid)  # only after the record is committed
            _advance(mailbox, validity, uid)
    finally:
        with contextlib.suppress(imaplib.IMAP4.error, OSError):
            conn.logout()
    return taken


def sweep() -> int:
    """Every active mailbox once; returns how many messages were recorded in all."""
    total = 0
    for mailbox in Mailbox.objects.filter(active=True, desk__active=True).select_related("desk"):
        error = ""
        try:
            total += fetch_mailbox(mailbox)
        except (TimeoutError, imaplib.IMAP4.error, OSError, ssl.SSLError, FetchError) as exc:
            error = f"收取失败：{exc}"[:500]
            logger.warning("intake mailbox %s: %s", mailbox.pk, exc)
        Mailbox.objects.filter(pk=mailbox.pk).update(checked_at=timezone.now(), last_error=error)
    return total
