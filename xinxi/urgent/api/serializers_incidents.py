"""Serializers of the incidents API: incidents, their clocks, phone and written reports, the board.

Output serializers render what the permission layer let through (the views choose which
reports and deadlines a user sees); input serializers only parse types. Every business rule
(who records, occurred-at not in the future, the subtype of the class, lengths, the order of
reports, the leader's sign-off) stays in ``xinxi.urgent.services`` so the pages and the API
refuse the same things with the same Chinese messages (409). Text is returned exactly as
stored: clients show it as text, never as HTML.

Choice values of outputs are plain strings or numbers next to their Chinese ``*_label``,
as in the other apps' APIs; inputs are enums.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from xinxi.lib.choices import Classification
from xinxi.network.api.serializers import MAX_INT, visible_unit_field
from xinxi.urgent import clocks
from xinxi.urgent.models import (
    SUBTYPE_CHOICES,
    SUBTYPE_LABELS,
    Channel,
    Deadline,
    Incident,
    IncidentClass,
    IncidentEvent,
    IncidentReport,
    IncidentState,
    PhoneReport,
    ReportKind,
    Severity,
    Source,
)

CLASS_HELP = "事件类别：" + "；".join(f"{v} {label}" for v, label in IncidentClass.choices)
SUBTYPE_HELP = "事件类型（须属于所选类别）：" + "；".join(f"{v} {label}" for v, label in SUBTYPE_CHOICES)
SEVERITY_HELP = "事件分级：" + "；".join(f"{v} {label}" for v, label in Severity.choices)
SOURCE_HELP = "获知渠道：" + "；".join(f"{v} {label}" for v, label in Source.choices)
STATE_HELP = "状态：" + "；".join(f"{v} {label}" for v, label in IncidentState.choices)
CHANNEL_HELP = "报告方式：" + "；".join(f"{v} {label}" for v, label in Channel.choices)
KIND_HELP = "报告类型：" + "；".join(f"{v} {label}" for v, label in ReportKind.choices)
CLASSIFICATION_HELP = "密级：0 公开，1 内部，2 秘密，3 机密"
COLOUR_HELP = "green 已按时报告或离截止尚远；amber 临近截止（科室设置的最早提醒时间内）；red 已超时（含超时后才报告）"
COLOURS = [("green", "正常"), ("amber", "临近"), ("red", "超时")]
SECRET_TITLE = "（密级高于您的涉密等级，不显示标题）"
MAX_MINUTES = 7 * 24 * 60  # a limit of a week at most


def _name(user: Any) -> str | None:
    return None if user is None else (user.full_name or user.username)


def _now(serializer: serializers.Serializer[Any]) -> dt.datetime:
    return serializer.context.get("now") or timezone.now()


# --- deadlines (clocks) ---


class IncidentDeadlineSerializer(serializers.ModelSerializer[Deadline]):
    unit_name = serializers.CharField(source="unit.name", read_only=True, help_text="报告单位")
    desk_name = serializers.CharField(source="desk.name", read_only=True, help_text="报告至（科室）")
    channel = serializers.CharField(read_only=True, help_text=CHANNEL_HELP)
    channel_label = serializers.CharField(source="get_channel_display", read_only=True)
    met = serializers.SerializerMethodField(help_text="是否已报告")
    late = serializers.SerializerMethodField(help_text="是否超时：报告晚于截止时间，或未报告且已过截止时间")
    late_minutes = serializers.SerializerMethodField(
        help_text="超过截止时间的分钟数：已报告的按报告时间，未报告的按现在；未超时为 0"
    )
    remaining_seconds = serializers.SerializerMethodField(
        help_text="距截止时间的秒数（已过为负数）；已报告为 null"
    )
    colour = serializers.SerializerMethodField(help_text=COLOUR_HELP)
    met_by = serializers.SerializerMethodField(help_text="由什么报告满足：电话报告或书面报告的名称；未报告为空")

    class Meta:
        model = Deadline
        fields = ["id", "unit", "unit_name", "desk", "desk_name", "channel", "channel_label", "limit_minutes",
                  "due_at", "met_at", "met", "met_by", "late", "late_minutes", "remaining_seconds", "colour"]
        read_only_fields = fields

    def get_met(self, deadline: Deadline) -> bool:
        return deadline.met_at is not None

    def get_late(self, deadline: Deadline) -> bool:
        return (deadline.met_at or _now(self)) > deadline.due_at

    def get_late_minutes(self, deadline: Deadline) -> int:
        return max(0, int(((deadline.met_at or _now(self)) - deadline.due_at).total_seconds() // 60))

    def get_remaining_seconds(self, deadline: Deadline) -> int | None:
        if deadline.met_at is not None:
            return None
        return int((deadline.due_at - _now(self)).total_seconds())

    @extend_schema_field(serializers.ChoiceField(choices=COLOURS))
    def get_colour(self, deadline: Deadline) -> str:
        return clocks.colour(deadline.due_at, deadline.met_at, _now(self), self.context.get("amber_minutes", 30))

    def get_met_by(self, deadline: Deadline) -> str:
        if deadline.met_by_phone_id is not None:
            return "电话报告"
        if deadline.met_by_report_id is not None and deadline.met_by_report is not None:
            return deadline.met_by_report.label
        return ""


# --- reports ---


class PhoneReportSerializer(serializers.ModelSerializer[PhoneReport]):
    unit_name = serializers.CharField(source="unit.name", read_only=True, help_text="来电单位")
    desk_name = serializers.CharField(source="desk.name", read_only=True, help_text="受理科室")
    recorded_by_name = serializers.SerializerMethodField(help_text="记录人")

    class Meta:
        model = PhoneReport
        fields = ["id", "incident", "desk", "desk_name", "unit", "unit_name", "caller", "caller_phone",
                  "received_at", "content", "recorded_by_name", "recorded_at"]
        read_only_fields = fields

    def get_recorded_by_name(self, phone: PhoneReport) -> str | None:
        return _name(phone.recorded_by)


class IncidentReportSerializer(serializers.ModelSerializer[IncidentReport]):
    unit_name = serializers.CharField(source="unit.name", read_only=True, help_text="报告单位")
    kind = serializers.CharField(read_only=True, help_text=KIND_HELP)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    label = serializers.CharField(read_only=True, help_text="报告名称：预报、首报、续报一、续报二……、终报")  # type: ignore[assignment]
    number = serializers.IntegerField(read_only=True, help_text="续报序号（其他报告为 0）")
    item = serializers.IntegerField(source="item_id", read_only=True, help_text="对应的信息编号（紧急类信息）")
    title = serializers.SerializerMethodField(help_text=f"信息标题；密级高于本人涉密等级时为“{SECRET_TITLE}”")
    item_state = serializers.CharField(source="item.state", read_only=True, help_text="信息的状态代码")
    item_state_label = serializers.CharField(source="item.get_state_display", read_only=True)
    classification = serializers.IntegerField(source="item.classification", read_only=True,
                                              help_text=CLASSIFICATION_HELP)
    submitted = serializers.SerializerMethodField(help_text="是否已报送（终报等待签发时为 false）")
    filed_by_name = serializers.SerializerMethodField(help_text="填报人")
    signed_off_by_name = serializers.SerializerMethodField(help_text="签发领导（未签发为空）")

    class Meta:
        model = IncidentReport
        fields = ["id", "incident", "unit", "unit_name", "kind", "kind_label", "number", "label", "item", "title",
                  "item_state", "item_state_label", "classification", "filed_by_name", "filed_at", "submitted",
                  "submitted_at", "signed_off_by_name"]
        read_only_fields = fields

    def get_title(self, report: IncidentReport) -> str:
        user = self.context.get("user")
        if user is None or report.item.classification > user.clearance:
            return SECRET_TITLE
        return report.item.title

    def get_submitted(self, report: IncidentReport) -> bool:
        return report.submitted_at is not None

    def get_filed_by_name(self, report: IncidentReport) -> str | None:
        return _name(report.filed_by)

    def get_signed_off_by_name(self, report: IncidentReport) -> str | None:
        return _name(report.signed_off_by)


class IncidentEventSerializer(serializers.ModelSerializer[IncidentEvent]):
    action = serializers.CharField(read_only=True, help_text="操作代码：record 登记、phone 电话报告、"
                                   "add_unit 增加责任单位、correct 更正、report_filed 填报、report_submitted 报送、"
                                   "forwarded 转报、close 终报结束")
    actor_name = serializers.SerializerMethodField(help_text="操作人（系统自动为空）")

    class Meta:
        model = IncidentEvent
        fields = ["at", "action", "text", "actor_name"]
        read_only_fields = fields

    def get_actor_name(self, event: IncidentEvent) -> str | None:
        return _name(event.actor)


# --- incidents ---


class IncidentSerializer(serializers.ModelSerializer[Incident]):
    desk_name = serializers.CharField(source="desk.name", read_only=True, help_text="登记科室")
    incident_class = serializers.CharField(read_only=True, help_text=CLASS_HELP)
    incident_class_label = serializers.CharField(source="get_incident_class_display", read_only=True)
    subtype = serializers.CharField(read_only=True, help_text="事件类型代码")
    subtype_label = serializers.CharField(read_only=True)
    severity = serializers.IntegerField(read_only=True, help_text=SEVERITY_HELP)
    severity_label = serializers.CharField(source="get_severity_display", read_only=True)
    state = serializers.CharField(read_only=True, help_text=STATE_HELP)
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    classification = serializers.IntegerField(read_only=True, help_text=CLASSIFICATION_HELP)
    classification_label = serializers.CharField(source="get_classification_display", read_only=True)

    class Meta:
        model = Incident
        fields = ["id", "title", "incident_class", "incident_class_label", "subtype", "subtype_label", "severity",
                  "severity_label", "occurred_at", "place", "state", "state_label", "closed_at", "desk",
                  "desk_name", "classification", "classification_label", "recorded_at", "version"]
        read_only_fields = fields


class IncidentUnitSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(help_text="单位编号")
    name = serializers.CharField(help_text="单位名称")


class IncidentDeskSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(source="desk.id", help_text="科室编号")
    name = serializers.CharField(source="desk.name", help_text="科室名称")
    reached_at = serializers.DateTimeField(help_text="事件到达该科室的时间")
    via = serializers.IntegerField(source="via_id", allow_null=True, help_text="由哪个科室转报来（登记于此为空）")


class IncidentDetailSerializer(IncidentSerializer):
    severity_suggested = serializers.IntegerField(read_only=True, allow_null=True,
                                                  help_text="按伤亡和损失建议的分级（仅事故灾难）")
    source = serializers.CharField(read_only=True, help_text=SOURCE_HELP)  # type: ignore[assignment]
    source_label = serializers.CharField(source="get_source_display", read_only=True)
    loss = serializers.DecimalField(max_digits=12, decimal_places=2, read_only=True,
                                    help_text="直接经济损失（万元）")
    recorded_by_name = serializers.SerializerMethodField(help_text="登记人")
    units = serializers.SerializerMethodField(help_text="责任单位")
    desks = serializers.SerializerMethodField(help_text="事件已到达的科室")
    deadlines = serializers.SerializerMethodField(
        help_text="报告时限（撤销的不列）；科室人员看全部，报送单位只看本单位的"
    )
    reports = serializers.SerializerMethodField(
        help_text="书面报告，按单位和填报先后；本单位以外的只列已报送的"
    )
    phone_reports = serializers.SerializerMethodField(help_text="电话报告，按接报时间")
    history = serializers.SerializerMethodField(help_text="事件记录，按时间")
    allowed_actions = serializers.SerializerMethodField(
        help_text="当前用户现在可做的操作：correct 更正、add_unit 增加责任单位、phone_report 登记电话报告、"
        "report 填报书面报告"
    )

    class Meta(IncidentSerializer.Meta):
        fields = [*IncidentSerializer.Meta.fields, "severity_suggested", "deaths", "injured", "missing", "loss",
                  "summary", "source", "source_label", "recorded_by_name", "units", "desks", "deadlines", "reports",
                  "phone_reports", "history", "allowed_actions"]
        read_only_fields = fields

    def get_recorded_by_name(self, incident: Incident) -> str | None:
        return _name(incident.recorded_by)

    @extend_schema_field(IncidentUnitSerializer(many=True))
    def get_units(self, incident: Incident) -> Any:
        return IncidentUnitSerializer([row.unit for row in incident.unit_rows.all()], many=True).data

    @extend_schema_field(IncidentDeskSerializer(many=True))
    def get_desks(self, incident: Incident) -> Any:
        return IncidentDeskSerializer(incident.desk_rows.all(), many=True).data

    @extend_schema_field(IncidentDeadlineSerializer(many=True))
    def get_deadlines(self, incident: Incident) -> Any:
        return IncidentDeadlineSerializer(self.context["deadlines"], many=True, context=self.context).data

    @extend_schema_field(IncidentReportSerializer(many=True))
    def get_reports(self, incident: Incident) -> Any:
        return IncidentReportSerializer(self.context["reports"], many=True, context=self.context).data

    @extend_schema_field(PhoneReportSerializer(many=True))
    def get_phone_reports(self, incident: Incident) -> Any:
        return PhoneReportSerializer(incident.phone_reports.all(), many=True).data

    @extend_schema_field(IncidentEventSerializer(many=True))
    def get_history(self, incident: Incident) -> Any:
        return IncidentEventSerializer(incident.events.all(), many=True).data

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(
        choices=[("correct", "更正"), ("add_unit", "增加责任单位"), ("phone_report", "登记电话报告"),
                 ("report", "填报书面报告")])))
    def get_allowed_actions(self, incident: Incident) -> list[str]:
        return list(self.context.get("allowed_actions", []))


# --- inputs ---


class IncidentFactsSerializer(serializers.Serializer[Any]):
    """The facts of a new incident. Types only: the service checks the rest (409 with the reason)."""

    title = serializers.CharField(help_text="事件名称（不超过 200 字）")
    incident_class = serializers.ChoiceField(choices=IncidentClass.choices, help_text=CLASS_HELP)
    subtype = serializers.ChoiceField(choices=SUBTYPE_CHOICES, help_text=SUBTYPE_HELP)
    severity = serializers.ChoiceField(choices=Severity.choices, help_text=SEVERITY_HELP + "（值班员确认）")
    occurred_at = serializers.DateTimeField(help_text="事件发生时间（各时限由此起算；不能晚于现在，不能早于一年前）")
    place = serializers.CharField(help_text="发生地点（不超过 200 字）")
    deaths = serializers.IntegerField(min_value=0, max_value=1_000_000, default=0, help_text="死亡人数")
    injured = serializers.IntegerField(min_value=0, max_value=1_000_000, default=0, help_text="受伤人数")
    missing = serializers.IntegerField(min_value=0, max_value=1_000_000, default=0, help_text="失踪人数")
    loss = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0, max_value=9_999_999_999,
                                    default=Decimal(0), help_text="直接经济损失（万元，至多两位小数）")
    summary = serializers.CharField(allow_blank=True, default="", help_text="基本情况（不超过 5000 字）")
    source = serializers.ChoiceField(choices=Source.choices, default=Source.PHONE, help_text=SOURCE_HELP)  # type: ignore[assignment]
    classification = serializers.ChoiceField(choices=Classification.choices, default=Classification.INTERNAL,
                                             help_text=CLASSIFICATION_HELP + "；不能高于本人涉密等级")


class IncidentCreateSerializer(IncidentFactsSerializer):
    units = visible_unit_field("单位不存在。", many=True, help_text="责任单位编号（本科室信息网络内的单位，至少一个）")


class IncidentCorrectSerializer(serializers.Serializer[Any]):
    severity = serializers.ChoiceField(choices=Severity.choices, required=False, help_text="更正后的分级")
    occurred_at = serializers.DateTimeField(required=False, help_text="更正后的发生时间")
    reason = serializers.CharField(help_text="更正理由（不超过 300 字）")
    version = serializers.IntegerField(min_value=1, max_value=MAX_INT,
                                       help_text="事件的 version；已被他人更正时返回 409，什么也不改变")


class IncidentAddUnitSerializer(serializers.Serializer[Any]):
    unit = visible_unit_field("单位不存在。", help_text="新增的责任单位编号")


class PhoneReportFieldsSerializer(serializers.Serializer[Any]):
    unit = visible_unit_field("单位不存在。", help_text="来电单位编号（本科室信息网络内的单位）")
    caller = serializers.CharField(help_text="来电人（不超过 50 字）")
    caller_phone = serializers.CharField(allow_blank=True, default="", help_text="来电号码（可选，不超过 30 字）")
    received_at = serializers.DateTimeField(help_text="接报时间（不能晚于现在，不能早于事件发生时间）")
    content = serializers.CharField(help_text="报告内容（不超过 5000 字）")


class NewIncidentPhoneSerializer(PhoneReportFieldsSerializer):
    incident = IncidentFactsSerializer(help_text="新事件的情况；来电单位即责任单位，获知渠道默认电话报告")


class IncidentReportCreateSerializer(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=ReportKind.choices, help_text=KIND_HELP + "；续报自动编号")
    title = serializers.CharField(allow_blank=True, trim_whitespace=False, help_text="标题（不超过 200 字）")
    body = serializers.CharField(allow_blank=True, trim_whitespace=False, help_text="正文（不超过 20000 字）")
    classification = serializers.ChoiceField(
        choices=Classification.choices, required=False,
        help_text=CLASSIFICATION_HELP + "；省略时同事件，不能低于事件的密级，不能高于本人涉密等级",
    )


# --- the board ---


class UrgentBoardUnitSerializer(serializers.Serializer[Any]):
    unit = serializers.IntegerField(help_text="报告单位编号")
    unit_name = serializers.CharField()
    phone_met_at = serializers.DateTimeField(allow_null=True, help_text="电话报告时限满足的时间（未报为空）")
    written_met_at = serializers.DateTimeField(allow_null=True, help_text="书面报告时限满足的时间（未报为空）")
    reported = serializers.BooleanField(help_text="是否已书面报告（首报或终报已到本科室）")
    last_report = serializers.CharField(help_text="最近报送到的书面报告名称（无则为空）")


class UrgentBoardIncidentSerializer(IncidentSerializer):
    deadlines = serializers.SerializerMethodField(help_text="报本科室、及本科室报上级的未撤销时限，按截止时间")
    next_followup = serializers.SerializerMethodField(help_text="下一个待续报时限（无则为 null）")
    units = serializers.SerializerMethodField(help_text="应向本科室报告的单位：谁已报告、谁未报告")

    class Meta(IncidentSerializer.Meta):
        fields = [*IncidentSerializer.Meta.fields, "deadlines", "next_followup", "units"]
        read_only_fields = fields

    def _rows(self, incident: Incident) -> list[Deadline]:
        return list(incident.deadlines.all())

    @extend_schema_field(IncidentDeadlineSerializer(many=True))
    def get_deadlines(self, incident: Incident) -> Any:
        return IncidentDeadlineSerializer(self._rows(incident), many=True, context=self.context).data

    @extend_schema_field(IncidentDeadlineSerializer(allow_null=True))
    def get_next_followup(self, incident: Incident) -> Any:
        desk = self.context["desk"]
        slots = [d for d in self._rows(incident) if d.channel == Channel.FOLLOWUP and d.met_at is None
                 and d.desk_id == desk.pk]
        return IncidentDeadlineSerializer(slots[0], context=self.context).data if slots else None

    @extend_schema_field(UrgentBoardUnitSerializer(many=True))
    def get_units(self, incident: Incident) -> Any:
        desk = self.context["desk"]
        rows: dict[int, dict[str, Any]] = {}
        for d in self._rows(incident):
            if d.desk_id != desk.pk:
                continue
            row = rows.setdefault(d.unit_id, {"unit": d.unit_id, "unit_name": d.unit.name, "phone_met_at": None,
                                              "written_met_at": None, "reported": False, "last_report": ""})
            if d.channel == Channel.PHONE:
                row["phone_met_at"] = d.met_at
            elif d.channel == Channel.WRITTEN:
                row["written_met_at"] = d.met_at
                row["reported"] = d.met_at is not None
        for report in incident.reports.all():  # submitted reports, in filing order
            if report.unit_id in rows:
                rows[report.unit_id]["last_report"] = report.label
        return UrgentBoardUnitSerializer(sorted(rows.values(), key=lambda r: r["unit_name"]), many=True).data


class UrgentBoardSerializer(serializers.Serializer[Any]):
    desk = serializers.IntegerField(help_text="科室编号")
    desk_name = serializers.CharField()
    now = serializers.DateTimeField(help_text="服务器当前时间（倒计时以此为准）")
    amber_minutes = serializers.IntegerField(help_text="截止前多少分钟显示为 amber（科室设置的最早提醒时间）")
    incidents = UrgentBoardIncidentSerializer(many=True, help_text="本科室处置中的事件，最紧迫的在前")
    truncated = serializers.BooleanField(help_text="处置中的事件超过上限、未全部列出时为 true")


# --- the desk's settings ---


class ClockLimitSerializer(serializers.Serializer[Any]):
    severity = serializers.ChoiceField(choices=Severity.choices, help_text=SEVERITY_HELP)
    channel = serializers.ChoiceField(choices=[(Channel.PHONE, "电话报告"), (Channel.WRITTEN, "书面报告")],
                                      help_text="phone 电话报告；written 书面报告")
    minutes = serializers.IntegerField(min_value=1, max_value=MAX_MINUTES, help_text="时限（分钟，从事件发生时起算）")


class UrgentSettingsFieldsSerializer(serializers.Serializer[Any]):
    limits = ClockLimitSerializer(many=True, help_text="时限表：每个分级和报告方式至多一行；没有的一行用科室的默认时限")
    warn_before = serializers.CharField(max_length=50, help_text="到时前提醒（分钟，逗号分隔，如 30,10）")
    escalate_after = serializers.IntegerField(min_value=1, max_value=1440, help_text="超时后再次升级（分钟）")
    followup_times = serializers.CharField(max_length=50, allow_blank=True,
                                           help_text="每日续报时点（逗号分隔，如 08:00,17:00；空为不要求按时续报）")
    followup_max_severity = serializers.ChoiceField(choices=Severity.choices,
                                                    help_text="须按时续报的分级（含以上）")
    receive_max_severity = serializers.ChoiceField(choices=Severity.choices,
                                                   help_text="本科室接收的分级（含以上）")
    both_offices_max_severity = serializers.ChoiceField(choices=Severity.choices,
                                                        help_text="须同时报党委、政府办公室的分级（含以上）")


class UrgentSettingsSerializer(serializers.Serializer[Any]):
    desk = serializers.IntegerField(help_text="科室编号")
    desk_name = serializers.CharField()
    default_phone_minutes = serializers.IntegerField(help_text="科室默认的电话报告时限（分钟；时限表没有的分级用它）")
    default_written_minutes = serializers.IntegerField(help_text="科室默认的书面报告时限（分钟）")
    limits = ClockLimitSerializer(many=True)
    warn_before = serializers.CharField()
    escalate_after = serializers.IntegerField()
    followup_times = serializers.CharField()
    followup_max_severity = serializers.IntegerField(help_text=SEVERITY_HELP)
    receive_max_severity = serializers.IntegerField(help_text=SEVERITY_HELP)
    both_offices_max_severity = serializers.IntegerField(help_text=SEVERITY_HELP)
    effective = serializers.SerializerMethodField(help_text="各分级实际适用的时限（分钟）：时限表或科室默认")
    can_edit = serializers.BooleanField(help_text="当前用户能否修改")

    @extend_schema_field(ClockLimitSerializer(many=True))
    def get_effective(self, data: dict[str, Any]) -> Any:
        return data["effective"]


def subtype_label(code: str) -> str:
    return SUBTYPE_LABELS.get(code, code)
