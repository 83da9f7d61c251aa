"""A tool holds the host's GPU lease from its first GPU step until POST /release."""

from __future__ import annotations

import json

from sparkle_motion.tools.lease import NOT_HELD, GpuLeaseSeam
from tests.conftest import make_settings


def test_a_tool_takes_the_lease_once_and_gives_it_back(tmp_path):
    settings = make_settings(home=tmp_path)
    seam = GpuLeaseSeam("videos_wan", "video", settings)
    assert seam.give_back() == NOT_HELD
    seam.take("wan")
    seam.take("wan")  # held across the stage's invokes
    lease = json.loads((tmp_path / "locks" / "gpu-cuda:0.lease").read_text())
    assert lease["holder"]["stage"] == "video" and seam.held
    assert seam.give_back() == "released" and not seam.held
    lease = json.loads((tmp_path / "locks" / "gpu-cuda:0.lease").read_text())
    assert lease["holder"] is None
