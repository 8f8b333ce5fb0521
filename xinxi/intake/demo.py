"""Demo e-mail intake: one mail "mailed in by a township office", waiting in the city desk's queue.

东城区文化路街道 (a 街道 of the demo province, a direct reporting point of the 临江 city desk)
has no one at a terminal: its information officer (demo account ``whl_xxy``, fictional address
``whl_xxy@xinxi.example``) sends items by e-mail. ``load_intake`` builds the raw RFC 822 mail
(a short note and a DOCX with the item's text) and feeds it through ``services.intake_ingest`` —
the same function the IMAP sweep uses; no mail server is needed. The city desk's editor
(lj_bj) or chief (lj_kz) finds it at /intake/, confirms the unit and accepts it: the item goes
into the desk inbox like any other.

Idempotent: the mail's Message-ID is fixed, and a mail is never taken twice.
"""

from __future__ import annotations

import io
from email.message import EmailMessage

from django.db import transaction

from xinxi.accounts.models import Role, RoleGrant, User
from xinxi.intake.models import IntakeMessage
from xinxi.intake.services import intake_ingest
from xinxi.network.models import Desk, Unit

CITY = "临江市委办公室"
TOWN = "东城区文化路街道"
SENDER, SENDER_NAME = "whl_xxy", "陈晓光"
ADDRESS = f"{SENDER}@xinxi.example"
MESSAGE_ID = "<demo-intake-1@wenhualu.xinxi.example>"
TITLE = "文化路街道“邻里议事会”化解老旧小区加装电梯难题"
PARAGRAPHS = (
    "今年以来，文化路街道针对辖区老旧小区居民加装电梯意愿强、协调难的问题，在 12 个小区推行“邻里议事会”，"
    "由社区党组织牵头，楼栋长、居民代表、物业和施工单位共同参与，逐楼逐户听取意见。",
    "一是议事前置。加装方案、费用分摊和低层住户补偿等事项先经议事会讨论，形成初步共识后再公示，"
    "全年召开议事会 46 场，收集意见建议 210 条。",
    "二是分类化解。对采光、噪声等顾虑，组织第三方现场测算、逐户解释；对出资困难的家庭，协调公积金提取和慈善资金支持。",
    "三是全程公开。施工进度、资金使用在楼道公示栏和社区微信群同步公开，居民可随时查询。",
    "截至 11 月底，街道已完成加装电梯 18 部、在建 9 部，涉及居民 600 余户，未发生一起因加装电梯引发的信访事项。",
)


def _docx() -> bytes:
    from docx import Document

    document = Document()
    document.add_paragraph(TITLE)
    for text in PARAGRAPHS:
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def raw_message() -> bytes:
    """The mail as the township's information officer sends it: a short note and the DOCX."""
    msg = EmailMessage()
    msg["From"] = f"{SENDER_NAME} <{ADDRESS}>"
    msg["To"] = "xinxike@linjiang.xinxi.example"
    msg["Subject"] = TITLE
    msg["Date"] = "Mon, 30 Nov 2026 16:20:00 +0800"
    msg["Message-ID"] = MESSAGE_ID
    msg.set_content("市委办信息科：\n\n报送信息一则，见附件，请审阅。\n\n文化路街道党工委办公室 陈晓光\n")
    msg.add_attachment(_docx(), maintype="application",
                       subtype="vnd.openxmlformats-officedocument.wordprocessingml.document",
                       filename="文化路街道邻里议事会.docx")
    return bytes(msg)


def _sender(town: Unit) -> User:
    """The township's information officer: a demo account with a registered e-mail address."""
    from xinxi.network.demo import DEMO_PASSWORD

    user = User.objects.filter(username=SENDER).first()
    if user is None:
        user = User(username=SENDER, full_name=SENDER_NAME, unit=town, email=ADDRESS, phone="13900009901")
        user.set_password(DEMO_PASSWORD)
        user.save()
    elif user.email != ADDRESS or user.unit_id != town.pk:
        user.email, user.unit = ADDRESS, town
        user.save(update_fields=["email", "unit"])
    RoleGrant.objects.get_or_create(user=user, role=Role.REPORTER)
    return user


@transaction.atomic
def load_intake() -> IntakeMessage | None:
    """Put the township's mail into the city desk's queue; None when it is already there."""
    desk = Desk.objects.get(unit__name=CITY)
    town = Unit.objects.get(name=TOWN)
    _sender(town)
    return intake_ingest(desk=desk, raw=raw_message())
