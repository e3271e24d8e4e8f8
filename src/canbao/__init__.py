"""Canbao (参保): the universal social-insurance registration system."""

__version__ = "0.1.0"
