"""Printing for the household survey: the 名册 (XLSX), the pre-filled 全民参保登记表 per person and the
unit form (one PDF per village), and the 个人基础信息汇总表 per village (XLSX and PDF).

`sheets.py` reads what to print (masked, code names resolved), `forms_pdf.py` and `summary.py` lay it
out, `service.py` checks the size, audits and names the files. Decisions: docs/adr/0009-printing.md.
"""
