"""Forms of the data officer's pages (labels and messages in Chinese)."""

from __future__ import annotations

from django import forms

from canbao.comparison.background import UPLOAD_KINDS
from canbao.engine.kinds import KINDS

MAPPING_MAX_BYTES = 1 << 20


class DateInput(forms.DateInput):
    input_type = "date"


class UploadForm(forms.Form):
    kind = forms.ChoiceField(
        label="数据类别", choices=[(k, f"{KINDS[k].name_zh}（{k}）") for k in UPLOAD_KINDS]
    )
    as_of = forms.DateField(label="数据日期", widget=DateInput)
    file = forms.FileField(label="数据文件", help_text="CSV（UTF-8、GB18030、GBK）、XLSX 或 Parquet")
    mapping = forms.FileField(label="列映射文件（YAML，可选）", required=False)

    def clean_mapping(self):  # type: ignore[no-untyped-def]
        mapping = self.cleaned_data.get("mapping")
        if mapping is not None and mapping.size > MAPPING_MAX_BYTES:
            raise forms.ValidationError("列映射文件过大（不超过 1 MB）")
        return mapping


class CompareForm(forms.Form):
    as_of = forms.DateField(label="比对基准日", widget=DateInput)
