"""Drawing helpers shared by the creatures: a local frame (x forward, y up, in units of a
size) so one shape faces either way, and an eye."""

from __future__ import annotations

from .canvas import RGB, Canvas, Point


class Frame:
    """Local coordinates for a shape: x forward (toward `facing`), y up, in units of `s`."""

    def __init__(self, x: float, y: float, s: float, facing: int) -> None:
        self.x, self.y, self.s, self.f = x, y, s, facing

    def p(self, dx: float, dy: float) -> Point:
        return (self.x + self.f * dx * self.s, self.y - dy * self.s)

    def box(self, dx: float, dy: float, rx: float, ry: float) -> list[float]:
        cx, cy = self.p(dx, dy)
        return [cx - rx * self.s, cy - ry * self.s, cx + rx * self.s, cy + ry * self.s]

    def poly(self, *points: tuple[float, float]) -> list[Point]:
        return [self.p(dx, dy) for dx, dy in points]


def eye(c: Canvas, at: Point, r: float, colour: RGB = (20, 20, 20)) -> None:
    c.draw.ellipse([at[0] - r, at[1] - r, at[0] + r, at[1] + r], fill=colour)
