"""Fixtures for the letters tests: one scan of the machine's fonts per session.

Every test that needs CJK glyphs depends on ``fonts``; without any usable CJK
TrueType font they skip with the reason, instead of failing on an empty page.
"""
from __future__ import annotations

import pytest

from desktop_app.letters import get_fonts


@pytest.fixture(scope="session")
def font_cache(tmp_path_factory):
    return tmp_path_factory.mktemp("font-cache")


@pytest.fixture(scope="session")
def fonts(font_cache):
    found = get_fonts(cache_dir=font_cache)
    if not found.has_cjk:
        pytest.skip("本机没有可用的中文 TrueType 字体（需要 fonts-wqy-zenhei、fonts-arphic-uming 等）")
    return found
