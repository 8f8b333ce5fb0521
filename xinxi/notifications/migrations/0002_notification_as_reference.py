"""Notifications become references to the object they are about.

Rows written before this change are text snapshots: nobody can tell any more which object
(and so which classification) they were about. They are kept as kind ``legacy`` with their
text in ``detail`` and the highest classification, so only a recipient cleared for the
highest level is still shown them; everyone else no longer sees or counts them.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

TOP = 3  # Classification.CONFIDENTIAL, the highest level


def texts_to_legacy(apps, schema_editor):
    Notification = apps.get_model("notifications", "Notification")
    rows = Notification.objects.only("pk", "text").order_by("pk")
    batch = []
    for row in rows.iterator(chunk_size=2000):
        row.detail = {"text": row.text}
        batch.append(row)
        if len(batch) == 2000:
            Notification.objects.bulk_update(batch, ["detail"])
            batch = []
    if batch:
        Notification.objects.bulk_update(batch, ["detail"])


def legacy_to_texts(apps, schema_editor):
    """Going back: old rows get their text again; references get a text without any title."""
    Notification = apps.get_model("notifications", "Notification")
    for row in Notification.objects.iterator(chunk_size=2000):
        row.text = str(row.detail.get("text", ""))[:300] if row.kind == "legacy" else f"通知（{row.kind}）"
        row.save(update_fields=["text"])


class Migration(migrations.Migration):

    dependencies = [
        ("notifications", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="notification",
            name="kind",
            field=models.CharField(default="legacy", max_length=40, verbose_name="类型"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="notification",
            name="classification",
            field=models.PositiveSmallIntegerField(default=TOP, verbose_name="发送时密级"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="notification",
            name="object_id",
            field=models.PositiveBigIntegerField(blank=True, null=True, verbose_name="对象编号"),
        ),
        migrations.AddField(
            model_name="notification",
            name="detail",
            field=models.JSONField(blank=True, default=dict, verbose_name="参数"),
        ),
        migrations.AlterField(
            model_name="notification",
            name="text",
            field=models.CharField(default="", max_length=300, verbose_name="内容"),
        ),
        migrations.RunPython(texts_to_legacy, legacy_to_texts),
        migrations.RemoveField(model_name="notification", name="text"),
        migrations.AlterField(
            model_name='notification',
            name='classification',
            field=models.PositiveSmallIntegerField(choices=[(0, '公开'), (1, '内部'), (2, '秘密'), (3, '机密')], verbose_name='发送时密级'),
        ),
        migrations.AlterField(
            model_name='notification',
            name='kind',
            field=models.CharField(choices=[('item_signoff_requested', '待签发信息'), ('item_signoff_returned', '签发人退回'), ('item_received', '新收信息'), ('entry_assigned', '分配信息'), ('entry_forwarded', '下级转报'), ('entry_returned', '退回修改'), ('entry_not_adopted', '未采用'), ('entry_verify', '请求核实'), ('entry_combined', '综合采用'), ('entry_forwarded_up', '已转报上级'), ('entry_adopted', '信息采用'), ('issue_pending', '刊物待签发'), ('issue_returned', '刊物签发退回'), ('issue_signed', '刊物已签发'), ('instruction_recorded', '领导批示'), ('task_assigned', '督办交办'), ('task_reported', '办理情况报送'), ('task_accepted', '办理情况认可'), ('task_returned', '办理情况退回'), ('task_closed', '督办办结'), ('task_extended', '督办期限调整'), ('task_reminder', '督办提醒'), ('legacy', '旧通知')], max_length=40, verbose_name='类型'),
        ),
        migrations.AlterField(
            model_name='notification',
            name='user',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='notifications', to=settings.AUTH_USER_MODEL, verbose_name='收件人'),
        ),
        migrations.AddIndex(
            model_name='notification',
            index=models.Index(fields=['kind', 'object_id'], name='notification_object_idx'),
        ),
    ]
