from __future__ import annotations


class ExtractRefused(Exception):
    """The whole file is refused (unreadable, wrong kind, required column missing): nothing imported.

    The message is Chinese and names the file and, where known, the line and column.
    """
