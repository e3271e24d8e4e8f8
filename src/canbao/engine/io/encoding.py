"""Detecting a CSV file's encoding: UTF-8 (with or without BOM) or GB18030/GBK, never a silent guess."""

from __future__ import annotations

import codecs
from pathlib import Path

from canbao.engine.io.errors import ExtractRefused

SNIFF_BYTES = 4 * 1024 * 1024
SUPPORTED = ("utf-8", "utf-8-sig", "gb18030", "gbk")


def _decodes(data: bytes, encoding: str) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    try:
        decoder.decode(data, final=False)  # a multi-byte character cut at the sniff boundary is fine
    except UnicodeDecodeError:
        return False
    return True


def detect_encoding(path: Path, declared: str | None = None) -> str:
    """The encoding to read with. A declared encoding is checked, not trusted.

    GBK is a subset of GB18030, so GBK files are read (and reported) as gb18030.
    """
    with path.open("rb") as fh:
        head = fh.read(SNIFF_BYTES)
    if not head:
        raise ExtractRefused(f"{path.name}：文件为空")
    if b"\x00" in head[:8192]:
        raise ExtractRefused(f"{path.name}：不是文本文件（含二进制内容），无法按 CSV 读取")
    if declared:
        wanted = declared.lower().replace("_", "-")
        if wanted == "gbk":
            wanted = "gb18030"
        if wanted not in SUPPORTED:
            raise ExtractRefused(f"{path.name}：不支持的编码 {declared}（支持 UTF-8、GB18030、GBK）")
        if wanted == "utf-8" and head.startswith(codecs.BOM_UTF8):
            wanted = "utf-8-sig"
        if not _decodes(head, wanted):
            raise ExtractRefused(f"{path.name}：文件内容不是声明的编码 {declared}")
        return wanted
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if _decodes(head, "utf-8"):
        return "utf-8"
    if _decodes(head, "gb18030"):
        return "gb18030"
    raise ExtractRefused(f"{path.name}：无法识别文件编码（既不是 UTF-8，也不是 GB18030/GBK）")
