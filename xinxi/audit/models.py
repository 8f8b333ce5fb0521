"""The audit log: logins, failed logins and every write made through a service."""

from __future__ import annotations

from django.conf import settings
from django.db import models

# Human-readable names of actions, shown in the audit page.
ACTION_LABELS = {
    "login": "登录",
    "login_failed": "登录失败",
    "login_locked": "账号被锁定",
    "logout": "退出",
    "unit_create": "新建单位",
    "unit_update": "修改单位",
    "unit_move": "移动单位",
    "unit_deactivate": "停用单位",
    "unit_reactivate": "启用单位",
    "desk_create": "设立信息科室",
    "desk_update": "修改信息科室设置",
    "point_admit": "确定直报点",
    "point_revoke": "撤销直报点",
    "staff_add": "添加信息工作人员",
    "staff_update": "修改信息工作人员",
    "staff_remove": "移除信息工作人员",
    "user_create": "新建用户",
    "user_update": "修改用户",
    "user_set_password": "重置密码",
    "user_unlock": "解除锁定",
    "roster_import": "导入单位与人员",
    "roster_export": "导出花名册",
    "backup_create": "备份数据",
    "backup_restore": "恢复数据",
    "item_create": "新建信息",
    "item_update": "修改信息草稿",
    "item_discard": "删除草稿",
    "item_request_signoff": "送签",
    "item_return_signoff": "签发退回",
    "item_submit": "报送信息",
    "attachment_add": "添加附件",
    "attachment_remove": "删除附件",
    "entry_read": "查阅涉密信息",
    "item_read": "查阅涉密信息（本单位）",
    "entry_return": "退回修改",
    "entry_preadopt": "预采用",
    "entry_not_adopt": "不采用",
    "entry_reconsider": "重新处理",
    "entry_duplicate": "标记重复",
    "entry_edit": "编辑信息",
    "entry_combine": "综合信息",
    "entry_forward": "转报信息",
    "verification_request": "发起核实",
    "verification_close": "核实办结",
    "adoption_record": "录入采用",
    "adoption_withdraw": "撤销采用",
    "rule_set_create": "新建计分办法",
    "rule_set_update": "修改计分办法",
    "rule_set_publish": "计分办法生效",
    "rule_set_correct": "更正计分办法",
    "rule_set_copy": "复制计分办法",
    "penalty_record": "确认扣分",
    "score_entry_reverse": "冲销积分",
    "period_close": "积分关账",
    "appraisal_confirm": "确认直报点考评",
    "appraisal_export": "导出考评名单",
    "period_sweep": "计分周期结算",
    "circular_generate": "生成通报草稿",
    "circular_update": "修改通报",
    "circular_submit": "通报送签",
    "circular_return": "通报签发退回",
    "circular_sign": "签发通报",
    "circular_issue": "印发通报",
    "circular_read": "阅读通报",
    "issue_create": "新建刊物期",
    "issue_add": "编入信息",
    "issue_send": "刊物送签",
    "issue_return": "刊物签发退回",
    "issue_sign_off": "刊物签发印发",
    "issue_read": "阅读涉密刊物",
    "issue_export": "导出涉密刊物",
    "instruction_record": "录入领导批示",
    "supervision_create": "交办督办事项",
    "handling_report": "报送办理情况",
    "handling_accept": "认可办理情况",
    "handling_return": "退回办理情况",
    "supervision_close": "督办办结",
    "supervision_extend": "调整督办期限",
    "instruction_read": "查阅涉密批示",
    "supervision_read": "查阅涉密督办事项",
    "entry_open": "打开信息",
    "entry_assign": "分配责任编辑",
    "entry_major_event": "标记重大事件",
    "issue_update": "修改刊物期（密级等）",
    "issue_item_update": "修改本期信息",
    "issue_item_remove": "撤出本期信息",
    "issue_item_move": "调整本期信息顺序",
    "issue_mark_read": "登记阅读刊物",
    "periodical_create": "新建刊物",
    "periodical_update": "修改刊物设置",
    "supervision_remind": "发送督办提醒",
    "notify": "发送通知",
    "notifications_mark_read": "通知标为已读",
    "entry_read_refused": "查阅涉密信息被拒",
    "item_read_refused": "查阅涉密信息（本单位）被拒",
    "issue_read_refused": "阅读涉密刊物被拒",
    "issue_export_refused": "导出涉密刊物被拒",
    "instruction_read_refused": "查阅涉密批示被拒",
    "supervision_read_refused": "查阅涉密督办事项被拒",
    "incident_record": "登记突发事件",
    "incident_add_unit": "增加事件责任单位",
    "incident_correct": "更正事件分级或发生时间",
    "phone_report_record": "记录电话报告",
    "incident_report_file": "填报紧急信息",
    "incident_read": "查阅涉密突发事件",
    "finding_propose_late": "系统提出紧急信息迟报",
    "finding_record": "记录紧急信息漏报、瞒报或谎报",
    "finding_confirm": "认定紧急信息报告问题",
    "finding_dismiss": "紧急信息报告问题不予认定",
    "incident_read_refused": "查阅涉密突发事件被拒",
    "urgent_settings_update": "修改紧急信息时限和提醒设置",
    "priority_list_create": "新建报送要点",
    "priority_list_publish": "印发报送要点",
    "item_set_priorities": "标注信息的报送要点",
    "research_topic_create": "新增调研题目",
    "item_set_research_topic": "关联调研题目",
    "audit_export": "导出审计日志",
    "admin_change": "后台修改",
    "admin_delete": "后台删除",
}


class AuditEvent(models.Model):
    at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Kept as text so the record survives the user's deletion or renaming.
    actor_name = models.CharField("操作人账号", max_length=150, blank=True)
    action = models.CharField("操作", max_length=50, db_index=True)
    object_type = models.CharField("对象类型", max_length=50, blank=True)
    object_id = models.CharField("对象编号", max_length=40, blank=True)
    object_repr = models.CharField("对象", max_length=200, blank=True)
    ip = models.GenericIPAddressField("IP 地址", null=True, blank=True)
    detail = models.JSONField("详情", default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = "审计记录"
        verbose_name_plural = "审计记录"
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action}"

    @property
    def action_label(self) -> str:
        return ACTION_LABELS.get(self.action, self.action)
