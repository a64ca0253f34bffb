"""Plane geometry for pictures: text widths, boxes, link routes around stages, label places.

Pure functions on numbers; :mod:`flowzip.analysis.picture` decides what is drawn.

* :func:`text_width` estimates how wide a line of text is drawn, from the advance widths of DejaVu Sans
  (measured in Chromium by ``tools/measure_glyphs.py``): the widest of the fonts a picture names, so a
  label that fits here fits in IBM Plex Sans, Helvetica and Arial too.
* :class:`Router` finds an orthogonal route from one stage to another that passes through no stage box
  (a shortest path with few bends on the grid of lines along the stages' edges, as orthogonal connector
  routers do), for links that run backwards, along a row, or through other stages.
* :func:`label_spots` lists where along a link its name may sit, best first.
"""

from __future__ import annotations

import bisect
import heapq
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

__all__ = ["Box", "BoxIndex", "Point", "Router", "bounds", "text_width", "cut_to_width", "cubic_points", "crosses",
           "label_spots", "separate"]

Point = tuple[float, float]

# Advance widths of DejaVu Sans in thousandths of an em, for the characters " " (32) to "~" (126):
# regular, then bold.  Other characters count as a full em.
_REGULAR = (
    318, 401, 460, 838, 636, 950, 780, 275, 390, 390, 500, 838, 318, 361, 318, 337, 636, 636, 636, 636, 636,
    636, 636, 636, 636, 636, 337, 337, 838, 838, 838, 531, 1000, 684, 686, 698, 770, 632, 575, 775, 752, 295,
    295, 656, 557, 863, 748, 787, 603, 787, 695, 635, 611, 732, 684, 989, 685, 611, 685, 390, 337, 390, 838,
    500, 500, 613, 635, 550, 635, 615, 352, 635, 634, 278, 278, 579, 278, 974, 634, 612, 635, 635, 411, 521,
    392, 634, 592, 818, 592, 592, 525, 636, 337, 636, 838)
_BOLD = (
    348, 456, 521, 838, 696, 1002, 872, 306, 457, 457, 523, 838, 380, 415, 380, 365, 696, 696, 696, 696, 696,
    696, 696, 696, 696, 696, 400, 400, 838, 838, 838, 580, 1000, 774, 762, 734, 830, 683, 683, 821, 837, 372,
    372, 775, 637, 995, 837, 850, 733, 850, 770, 720, 682, 812, 774, 1103, 771, 724, 725, 457, 365, 457, 838,
    500, 500, 675, 716, 593, 716, 678, 435, 716, 712, 343, 343, 665, 343, 1042, 712, 687, 716, 716, 493, 595,
    478, 712, 652, 924, 645, 652, 582, 712, 365, 712, 838)


def text_width(text: str, size: float, *, bold: bool = False) -> float:
    """How wide *text* is drawn at *size* pixels, at most (see the module's note on fonts)."""
    table = _BOLD if bold else _REGULAR
    total = 0
    for char in text:
        code = ord(char) - 32
        total += table[code] if 0 <= code < len(table) else 1000
    return total * size / 1000.0


def cut_to_width(text: str, room: float, size: float, *, shortest: int = 1) -> str:
    """*text* whole if it fits in *room* pixels, else its longest start that fits with "…" after it (never
    fewer than *shortest* characters)."""
    if text_width(text, size) <= room:
        return text
    keep = len(text)
    while keep > shortest and text_width(text[:keep] + "…", size) > room:
        keep -= 1
    return text[:keep] + "…"


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    width: float
    height: float

    @property
    def right(self) -> float:
        return self.x + self.width

    @property
    def bottom(self) -> float:
        return self.y + self.height

    def grown(self, by: float) -> Box:
        return Box(self.x - by, self.y - by, self.width + 2 * by, self.height + 2 * by)

    def meets(self, other: Box) -> bool:
        """The two boxes share some area (touching edges do not count)."""
        return self.x < other.right and other.x < self.right and self.y < other.bottom and other.y < self.bottom

    def holds(self, point: Point) -> bool:
        """*point* lies strictly inside."""
        return self.x < point[0] < self.right and self.y < point[1] < self.bottom


class BoxIndex:
    """Boxes (each with an item it stands for) bucketed by area, so that finding those near a place costs
    what is near it, not what the whole picture holds."""

    def __init__(self, entries: Iterable[tuple[Box, object]] = (), cell: float = 256.0) -> None:
        self.cell = cell
        self.cells: dict[tuple[int, int], list[tuple[Box, object]]] = {}
        for box, item in entries:
            self.add(box, item)

    def _cells(self, box: Box) -> tuple[range, range]:
        """The columns and rows of the cells *box* spans."""
        cell = self.cell
        return (range(math.floor(box.x / cell), math.floor((box.x + box.width) / cell) + 1),
                range(math.floor(box.y / cell), math.floor((box.y + box.height) / cell) + 1))

    def add(self, box: Box, item: object = None) -> None:
        entry = (box, item)
        cells = self.cells
        columns, rows = self._cells(box)
        for column in columns:
            for row in rows:
                found = cells.get((column, row))
                if found is None:
                    cells[column, row] = [entry]
                else:
                    found.append(entry)

    def near(self, area: Box) -> list[tuple[Box, object]]:
        """The entries whose box may meet *area* (each once)."""
        columns, rows = self._cells(area)
        cells = self.cells
        if len(columns) == 1 and len(rows) == 1:  # the usual case: one cell, where each entry is once
            return list(cells.get((columns[0], rows[0]), ()))
        found: dict[int, tuple[Box, object]] = {}
        for column in columns:
            for row in rows:
                for entry in cells.get((column, row), ()):
                    found.setdefault(id(entry), entry)
        return list(found.values())


def bounds(points: Sequence[Point]) -> Box:
    """The smallest box holding *points*."""
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return Box(min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys))


def cubic_points(p0: Point, p1: Point, p2: Point, p3: Point, steps: int = 24) -> list[Point]:
    """The cubic Bézier curve p0–p3 as a polyline of *steps* segments."""
    points = []
    for index in range(steps + 1):
        t = index / steps
        u = 1 - t
        a, b, c, d = u * u * u, 3 * u * u * t, 3 * u * t * t, t * t * t
        points.append((a * p0[0] + b * p1[0] + c * p2[0] + d * p3[0], a * p0[1] + b * p1[1] + c * p2[1] + d * p3[1]))
    return points


def _segment_meets(a: Point, b: Point, box: Box) -> bool:
    """The segment a–b passes through the inside of *box* (Liang–Barsky clipping)."""
    low, high = 0.0, 1.0
    dx, dy = b[0] - a[0], b[1] - a[1]
    for p, q in ((-dx, a[0] - box.x), (dx, box.right - a[0]), (-dy, a[1] - box.y), (dy, box.bottom - a[1])):
        if p == 0:
            if q <= 0:
                return False
            continue
        t = q / p
        if p < 0:
            low = max(low, t)
        else:
            high = min(high, t)
        if low >= high:
            return False
    return True


def crosses(points: Sequence[Point], boxes: Iterable[Box]) -> bool:
    """The polyline passes through the inside of one of *boxes*."""
    segments = list(zip(points, points[1:]))
    for box in boxes:
        left, top = box.x, box.y
        right, bottom = left + box.width, top + box.height
        for a, b in segments:
            (ax, ay), (bx, by) = a, b
            if (ax <= left and bx <= left) or (ax >= right and bx >= right) or (ay <= top and by <= top) or \
                    (ay >= bottom and by >= bottom):
                continue  # both ends beyond one side: the segment cannot enter the box
            if _segment_meets(a, b, box):
                return True
    return False


def _simplify(points: list[Point]) -> list[Point]:
    """Drop repeated points and the middle one of three on a line."""
    out: list[Point] = []
    for point in points:
        if out and math.isclose(out[-1][0], point[0]) and math.isclose(out[-1][1], point[1]):
            continue
        if len(out) >= 2:
            (ax, ay), (bx, by) = out[-2], out[-1]
            if (math.isclose(ax, bx) and math.isclose(bx, point[0])) or \
                    (math.isclose(ay, by) and math.isclose(by, point[1])):
                out[-1] = point
                continue
        out.append(point)
    return out


class Router:
    """Orthogonal routes between stages that pass through no stage box.

    *obstacles* are the boxes to keep clear of (grown by *clearance*); a route leaves its start to the right
    and enters its end from the left, each by a straight *stub*.  The route is a shortest path with a cost
    per bend on the grid of lines along the obstacles' edges, searched first in a window around the two
    ends and then in wider ones (so a large flow costs what the neighbourhood of the link costs)."""

    BEND = 40.0  # a bend costs as much as this many pixels of length

    def __init__(self, obstacles: Iterable[Box], *, clearance: float = 10.0, stub: float = 16.0) -> None:
        self.obstacles = [box.grown(clearance) for box in obstacles]
        self.index = BoxIndex((box, None) for box in self.obstacles)
        self.stub = stub
        if self.obstacles:
            self.extent = Box(min(b.x for b in self.obstacles), min(b.y for b in self.obstacles), 0, 0)
            right = max(b.right for b in self.obstacles)
            bottom = max(b.bottom for b in self.obstacles)
            self.extent = Box(self.extent.x, self.extent.y, right - self.extent.x, bottom - self.extent.y)
        else:
            self.extent = Box(0, 0, 0, 0)

    def low_edges(self, horizontal: bool) -> set[float]:
        """The lines along the top (*horizontal*) or left edges of the obstacles: a route there runs
        beside an obstacle below or right of it, so it moves up or left to make room."""
        return {round(b.y if horizontal else b.x, 1) for b in self.obstacles}

    def route(self, start: Point, end: Point) -> list[Point] | None:
        """The points of a route from *start* (on a source's right edge) to *end* (on a target's left edge),
        or None when every way is blocked."""
        first = (start[0] + self.stub, start[1])
        last = (end[0] - self.stub, end[1])
        simple = self._dogleg(first, last) or self._channel(first, last)
        if simple is not None:  # a route with few bends is clear: no search
            return _simplify([start, *simple, end])
        margin = 160.0
        while True:
            window = Box(min(first[0], last[0]) - margin, min(first[1], last[1]) - margin,
                         abs(first[0] - last[0]) + 2 * margin, abs(first[1] - last[1]) + 2 * margin)
            # An end that sits inside an obstacle (stages stacked on one another) cannot keep clear of it.
            blocking = [b for b, _ in self.index.near(window)
                        if b.meets(window) and not b.holds(first) and not b.holds(last)]
            found = self._search(first, last, window, blocking)
            if found is not None:
                return _simplify([start, *found, end])
            if window.x <= self.extent.x and window.y <= self.extent.y and window.right >= self.extent.right \
                    and window.bottom >= self.extent.bottom:
                return None
            margin *= 3

    def _clear(self, a: Point, b: Point, ends: tuple[Point, Point]) -> bool:
        area = Box(min(a[0], b[0]), min(a[1], b[1]), abs(a[0] - b[0]), abs(a[1] - b[1]))
        return not any(_segment_meets(a, b, box) for box, _ in self.index.near(area)
                       if not box.holds(ends[0]) and not box.holds(ends[1]))

    def _dogleg(self, first: Point, last: Point) -> list[Point] | None:
        """A route with two bends at most (along the start's row, across, along the end's row) that passes no
        obstacle, tried at the end's column, then at the start's: most links of a laid-out flow take one."""
        if first[0] > last[0]:
            return None
        for x in (last[0], first[0]):
            points = [first, (x, first[1]), (x, last[1]), last]
            if all(self._clear(a, b, (first, last)) for a, b in zip(points, points[1:])):
                return points
        return None

    def _channel(self, first: Point, last: Point) -> list[Point] | None:
        """A route along a free row: up or down at the start's column, across at the free height nearest the
        two ends (a gap between the obstacles of the columns the link passes), down or up at the end's column.
        A long link of a laid-out flow finds one where the layout kept room for it; the rows are searched in
        a band around the ends that widens as needed, so a large flow costs what the link's columns cost."""
        if first[0] >= last[0]:
            return None
        wanted = (first[1] + last[1]) / 2
        low_end, high_end = min(first[1], last[1]), max(first[1], last[1])
        margin = 160.0
        while True:
            band = Box(first[0], low_end - margin, last[0] - first[0], high_end - low_end + 2 * margin)
            taken = sorted((b.y, b.bottom) for b, _ in self.index.near(band)
                           if b.x < last[0] and b.right > first[0] and b.meets(band)
                           and not b.holds(first) and not b.holds(last))
            gaps, top = [], band.y
            for low, high in taken:
                if low > top:
                    gaps.append((top, low))
                top = max(top, high)
            if top < band.bottom:
                gaps.append((top, band.bottom))
            for low, high in sorted(gaps, key=lambda gap: abs(min(max(wanted, gap[0]), gap[1]) - wanted))[:3]:
                y = min(max(wanted, low), high)
                # Up or down beside the labels under the stages of the ends' columns, not through them.
                x1 = self._free_column(first, y, last[0], rightward=True)
                x2 = None if x1 is None else self._free_column(last, y, x1, rightward=False)
                if x2 is None:
                    continue
                points = [first, (x1, first[1]), (x1, y), (x2, y), (x2, last[1]), last]
                if all(self._clear(a, b, (first, last)) for a, b in zip(points, points[1:])):
                    return points
            if band.y <= self.extent.y and band.bottom >= self.extent.bottom:
                return None
            margin *= 3

    def _free_column(self, end: Point, y: float, limit: float, *, rightward: bool) -> float | None:
        """The x nearest *end* (moving right of it, or left) where a vertical run from the end's row to *y*
        meets no obstacle, not past *limit*; None when there is none within a few steps."""
        x = end[0]
        for _ in range(6):
            run = Box(x, min(end[1], y), 0, abs(end[1] - y))
            blocking = [b for b, _ in self.index.near(run) if _segment_meets((x, end[1]), (x, y), b)
                        and not b.holds(end)]
            if not blocking:
                return x
            x = max(b.right for b in blocking) if rightward else min(b.x for b in blocking)
            if (x > limit) if rightward else (x < limit):
                return None
        return None

    def _search(self, first: Point, last: Point, window: Box, blocking: list[Box]) -> list[Point] | None:
        xs = sorted({first[0], last[0], window.x, window.right,
                     *(v for b in blocking for v in (b.x, b.right) if window.x <= v <= window.right)})
        ys = sorted({first[1], last[1], window.y, window.bottom,
                     *(v for b in blocking for v in (b.y, b.bottom) if window.y <= v <= window.bottom)})
        column = {x: i for i, x in enumerate(xs)}
        row = {y: j for j, y in enumerate(ys)}

        # Which steps along a grid line pass through no obstacle, worked out for a line only when the search
        # first walks along it: the obstacles across the line, merged into sorted spans.
        by_row = sorted(blocking, key=lambda b: b.y)
        by_column = sorted(blocking, key=lambda b: b.x)

        def spans_across(value: float, horizontal: bool) -> tuple[list[float], list[float]]:
            crossing = [(b.x, b.right) if horizontal else (b.y, b.bottom)
                        for b in (by_row if horizontal else by_column)
                        if (b.y < value < b.bottom if horizontal else b.x < value < b.right)]
            merged: list[list[float]] = []
            for low, high in sorted(crossing):
                if merged and low <= merged[-1][1]:
                    merged[-1][1] = max(merged[-1][1], high)
                else:
                    merged.append([low, high])
            return [m[0] for m in merged], [m[1] for m in merged]

        spans: dict[tuple[bool, int], tuple[list[float], list[float]]] = {}

        def free(horizontal: bool, line: int, step: int) -> bool:
            key = (horizontal, line)
            if key not in spans:
                spans[key] = spans_across(ys[line] if horizontal else xs[line], horizontal)
            lows, highs = spans[key]
            across = xs if horizontal else ys
            middle = (across[step] + across[step + 1]) / 2
            at = bisect.bisect_left(lows, middle) - 1
            return at < 0 or not (lows[at] < middle < highs[at])

        start, goal = (column[first[0]], row[first[1]]), (column[last[0]], row[last[1]])
        # A* over (grid point, direction); the route leaves going right and must arrive going right
        # or turn there (the stub into the target runs right).
        moves = ((1, 0), (-1, 0), (0, 1), (0, -1))
        queue: list[tuple[float, float, int, float, tuple[int, int], int]] = [(0.0, 0.0, 0, 0.0, start, 0)]
        best: dict[tuple[tuple[int, int], int], float] = {(start, 0): 0.0}
        came: dict[tuple[tuple[int, int], int], tuple[tuple[int, int], int]] = {}
        counter = 0
        goal_x, goal_y = xs[goal[0]], ys[goal[1]]
        while queue:
            _, _, _, cost, (i, j), heading = heapq.heappop(queue)
            if cost > best[((i, j), heading)]:
                continue  # reached more cheaply since
            if (i, j) == goal:
                path = [(xs[i], ys[j])]
                state = ((i, j), heading)
                while state in came:
                    state = came[state]
                    path.append((xs[state[0][0]], ys[state[0][1]]))
                return list(reversed(path))
            for direction, (di, dj) in enumerate(moves):
                ni, nj = i + di, j + dj
                if not (0 <= ni < len(xs) and 0 <= nj < len(ys)):
                    continue
                if dj == 0 and not free(True, j, min(i, ni)):
                    continue
                if di == 0 and not free(False, i, min(j, nj)):
                    continue
                if direction != heading and moves[direction] == (-moves[heading][0], -moves[heading][1]):
                    continue  # no turning back on itself
                step = abs(xs[ni] - xs[i]) + abs(ys[nj] - ys[j])
                total = cost + step + (self.BEND if direction != heading else 0.0)
                if (ni, nj) == goal and direction != 0:
                    total += self.BEND  # it will turn to run right into the target
                key = ((ni, nj), direction)
                if total < best.get(key, math.inf):
                    best[key] = total
                    came[key] = ((i, j), heading)
                    counter += 1
                    # A*: the length still to go, straight, never overestimates what the route will cost.
                    to_go = abs(goal_x - xs[ni]) + abs(goal_y - ys[nj])
                    # Among equal estimates, the one nearer the goal first: fewer ties explored.
                    heapq.heappush(queue, (total + to_go, to_go, counter, total, (ni, nj), direction))
        return None


def _tracks(spans: list[tuple[float, float, int]]) -> dict[int, int]:
    """Spans (low, high, key) on one line into tracks: spans that overlap get different tracks."""
    ends: list[float] = []  # the high end of the last span on each track
    found = {}
    for low, high, key in sorted(spans):
        for track, end in enumerate(ends):
            if end < low:
                ends[track] = high
                found[key] = track
                break
        else:
            found[key] = len(ends)
            ends.append(high)
    return found


def separate(routes: list[list[Point]], router: Router, spacing: float = 5.0) -> list[list[Point]]:
    """Routes that run along the same line over the same stretch moved apart by *spacing*, away from the
    stages the line runs beside (as connector routers "nudge" them), so that each can be followed.  Only
    the inner runs move: a route still leaves and enters its stages straight."""
    routes = [list(route) for route in routes]
    for horizontal in (True, False):
        axis = 1 if horizontal else 0
        lines: dict[float, list[tuple[float, float, int]]] = {}
        for number, route in enumerate(routes):
            for index in range(2, len(route) - 3):
                a, b = route[index], route[index + 1]
                if math.isclose(a[axis], b[axis]) and not math.isclose(a[1 - axis], b[1 - axis]):
                    low, high = sorted((a[1 - axis], b[1 - axis]))
                    lines.setdefault(round(a[axis], 1), []).append((low, high, number * 10_000 + index))
        low_edges = router.low_edges(horizontal)
        for value, spans in lines.items():
            if len(spans) < 2:
                continue
            step = -spacing if value in low_edges else spacing
            for key, track in _tracks(spans).items():
                number, index = divmod(key, 10_000)
                for at in (index, index + 1):
                    point = list(routes[number][at])
                    point[axis] += step * track
                    routes[number][at] = (point[0], point[1])
    return routes


def label_spots(points: Sequence[Point]) -> list[Point]:
    """Places along a polyline where a link's name may sit, best first: the middle, then further out on
    both sides, the middles of its longer straight runs among them."""
    lengths = [math.dist(a, b) for a, b in zip(points, points[1:])]
    total = sum(lengths)
    if total == 0:
        return [points[0]] if points else []

    def at(share: float) -> Point:
        remaining = share * total
        for (a, b), length in zip(zip(points, points[1:]), lengths):
            if remaining <= length and length > 0:
                t = remaining / length
                return (a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t)
            remaining -= length
        return points[-1]

    spots = [at(share) for share in (0.5, 0.4, 0.6, 0.3, 0.7, 0.2, 0.8)]
    long_runs = sorted(((length, (a[0] + b[0]) / 2, (a[1] + b[1]) / 2) for (a, b), length
                        in zip(zip(points, points[1:]), lengths) if length > 40), reverse=True)
    spots[1:1] = [(x, y) for _, x, y in long_runs[:3]]
    return spots
