"""A plan written to disk reads back as the same plan, with nothing half-written left."""

from __future__ import annotations

from sparkle_motion.plans import validate_plan
from sparkle_motion.plans.files import write_plan_file


def test_a_written_plan_reads_back_the_same(tmp_path, short_plan):
    plan = validate_plan(short_plan).plan
    path = write_plan_file(plan, tmp_path / "runs" / "r1" / "plan.json")
    assert path == (tmp_path / "runs" / "r1" / "plan.json").resolve()
    assert validate_plan(path.read_text()).plan == plan
    assert [p.name for p in path.parent.iterdir()] == ["plan.json"]
    write_plan_file(plan, path)  # over an earlier one
    assert [p.name for p in path.parent.iterdir()] == ["plan.json"]
