"""The audit log's search form (labels and messages in Chinese)."""

from __future__ import annotations

from django import forms

from canbao.audit.selectors import AuditFilters
from canbao.web.forms import DateInput

RESULTS = [("", "全部"), ("ok", "成功"), ("refused", "拒绝"), ("failed", "失败")]


class AuditSearchForm(forms.Form):
    date_from = forms.DateField(label="起始日期", required=False, widget=DateInput)
    date_to = forms.DateField(label="截止日期", required=False, widget=DateInput)
    actor = forms.CharField(label="账号", required=False, max_length=150)
    action = forms.CharField(
        label="操作", required=False, max_length=40, widget=forms.TextInput(attrs={"list": "audit-actions"})
    )
    object_type = forms.CharField(label="对象类型", required=False, max_length=40)
    object_ref = forms.CharField(label="对象（前缀）", required=False, max_length=200)
    result = forms.ChoiceField(label="结果", required=False, choices=RESULTS)

    def clean(self):  # type: ignore[no-untyped-def]
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError("起始日期不能晚于截止日期")
        return data

    def filters(self) -> AuditFilters:
        """The valid filters (an invalid form filters nothing: the page shows its errors)."""
        if not self.is_valid():
            return AuditFilters()
        d = self.cleaned_data
        return AuditFilters(
            date_from=d.get("date_from"), date_to=d.get("date_to"),
            **{k: (d.get(k) or "").strip() for k in ("actor", "action", "object_type", "object_ref", "result")},
        )  # fmt: skip
