import pytest


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Stored files go to a per-test directory (real disk storage, nothing left behind)."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
