"""Tiny inline SVG sparklines for the topics list: no script, no chart library, no request."""

from __future__ import annotations

from markupsafe import Markup

WIDTH, HEIGHT, PAD = 120, 28, 2


def sparkline_svg(values: list[float | None], kind: str, zero_line: bool = False) -> Markup:
    """A polyline of `values` (None leaves a gap); `kind` names the CSS class that colours it."""
    present = [v for v in values if v is not None]
    if len(values) < 2 or not present:
        return Markup("")
    low, high = min(present), max(present)
    if zero_line:
        low, high = min(low, 0.0), max(high, 0.0)
    span = (high - low) or 1.0
    step = (WIDTH - 2 * PAD) / (len(values) - 1)

    def y(value: float) -> float:
        return HEIGHT - PAD - (value - low) / span * (HEIGHT - 2 * PAD)

    lines: list[list[str]] = [[]]
    for i, value in enumerate(values):
        if value is None:
            lines.append([])
        else:
            lines[-1].append(f"{PAD + i * step:.1f},{y(value):.1f}")
    paths = "".join(
        f'<polyline points="{" ".join(points)}"/>' for points in lines if len(points) > 1
    )
    zero = ""
    if zero_line:
        zero = f'<line class="zero" x1="0" x2="{WIDTH}" y1="{y(0):.1f}" y2="{y(0):.1f}"/>'
    return Markup(
        f'<svg class="spark spark-{kind}" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" '
        f'height="{HEIGHT}" aria-hidden="true">{zero}{paths}</svg>'
    )
