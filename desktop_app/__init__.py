"""监督台账 (taizhang): the core, without Qt."""

__version__ = "0.1.0"
