"""Geometry for pictures: text widths, routes that keep clear of boxes, places for link names."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flowzip.analysis.geometry import (
    Box,
    Router,
    crosses,
    cubic_points,
    cut_to_width,
    label_spots,
    separate,
    text_width,
)


def test_text_width_follows_the_letters() -> None:
    assert text_width("", 12) == 0
    assert text_width("WWWW", 12) > text_width("iiii", 12) * 2  # proportional, not a fixed advance
    assert math.isclose(text_width("A", 10), 6.84)  # DejaVu Sans: 684/1000 em
    assert text_width("中", 10) == 10  # outside the table: a full em
    assert text_width("Bold", 12, bold=True) > text_width("Bold", 12)


def test_cut_to_width_keeps_what_fits_and_marks_the_cut() -> None:
    assert cut_to_width("Peek_1", 200, 12) == "Peek_1"
    cut = cut_to_width("Transformer_with_a_long_name", 60, 12)
    assert cut.endswith("…") and text_width(cut, 12) <= 60 and "Transformer_with_a_long_name".startswith(cut[:-1])
    assert cut_to_width("abcdef", 0, 12, shortest=3) == "abc…"


def test_routes_go_round_the_boxes_in_the_way() -> None:
    source, target = Box(0, 0, 48, 48), Box(400, 0, 48, 48)
    wall = Box(200, -100, 48, 248)  # a stage between the two, taller than both
    router = Router([source, target, wall])
    start, end = (source.right, 24.0), (target.x, 24.0)
    assert crosses([start, end], [wall])  # the straight way is blocked
    route = router.route(start, end)
    assert route is not None and route[0] == start and route[-1] == end
    assert not crosses(route, [wall.grown(9)]) and not crosses(route[1:-1], [source, target])
    assert all(a[0] == b[0] or a[1] == b[1] for a, b in zip(route, route[1:]))  # right angles only
    assert route[-2][1] == end[1] and route[-2][0] < end[0]  # it enters the target from the left


def test_a_backward_link_leaves_rightwards_and_enters_from_the_left() -> None:
    source, target = Box(400, 0, 48, 48), Box(0, 0, 48, 48)
    route = Router([source, target]).route((source.right, 24.0), (target.x, 24.0))
    assert route is not None
    assert route[1][0] > source.right and route[-2][0] < target.x
    assert not crosses(route[1:-1], [source, target])


def test_a_walled_in_end_has_no_route() -> None:
    # The only way into the target is through boxes that hold neither end: every way is blocked.
    target = Box(500, 0, 48, 48)
    walls = [Box(400, -300, 40, 660), Box(440, -300, 200, 40), Box(440, 320, 200, 40), Box(600, -300, 40, 660)]
    assert Router([Box(0, 0, 48, 48), target, *walls]).route((48, 24), (500, 24)) is None


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 12), st.integers(0, 8)), min_size=2, max_size=12, unique=True),
       st.data())
def test_routes_on_a_grid_of_stages_never_pass_through_one(cells: list[tuple[int, int]], data: st.DataObject) -> None:
    boxes = [Box(col * 120.0, row * 100.0, 48, 48) for col, row in cells]
    a, b = data.draw(st.sampled_from(range(len(boxes)))), data.draw(st.sampled_from(range(len(boxes))))
    source, target = boxes[a], boxes[b]
    route = Router(boxes).route((source.right, source.y + 24), (target.x, target.y + 24))
    assert route is not None
    assert not crosses(route[1:-1], boxes)  # the stubs aside, it touches no stage, its own ends included


def test_label_spots_start_in_the_middle() -> None:
    spots = label_spots([(0, 0), (100, 0)])
    assert spots[0] == (50, 0) and len(spots) > 3
    assert label_spots(cubic_points((0, 0), (50, 0), (50, 100), (100, 100)))[0] == pytest.approx((50, 50))


def test_routes_sharing_a_corridor_are_moved_apart() -> None:
    # Three stages in a row; two links run backwards over the middle one along the same line.
    boxes = [Box(0, 0, 48, 48), Box(200, 0, 48, 48), Box(400, 0, 48, 48)]
    router = Router(boxes)
    first = router.route((boxes[2].right, 24), (boxes[0].x, 24))
    second = router.route((boxes[2].right, 24), (boxes[1].x, 24))
    assert first is not None and second is not None

    def corridors(route: list) -> set[float]:  # the lines it runs along, the row's own line aside
        return {a[1] for a, b in zip(route, route[1:]) if a[1] == b[1] != 24}

    assert corridors(first) & corridors(second)  # one corridor beside the row
    moved = separate([first, second], router)
    assert not corridors(moved[0]) & corridors(moved[1])
    for before, after in zip((first, second), moved):
        assert after[:2] == before[:2] and after[-2:] == before[-2:]  # still leaves and enters straight
        assert all(a[0] == b[0] or a[1] == b[1] for a, b in zip(after, after[1:]))
        assert not crosses(after[1:-1], boxes)


def _enters_exactly(a: tuple[int, int], b: tuple[int, int], box: Box) -> bool:
    """Whether segment a-b passes through the inside of *box*, in exact fractions: the stretch of t in [0, 1]
    where the point a + t (b - a) lies within the box's four sides has a positive length."""
    from fractions import Fraction

    low, high = Fraction(0), Fraction(1)
    for start, step, lower, upper in ((a[0], b[0] - a[0], box.x, box.x + box.width),
                                      (a[1], b[1] - a[1], box.y, box.y + box.height)):
        if step == 0:
            if not lower < start < upper:
                return False
            continue
        t1, t2 = Fraction(lower - start) / step, Fraction(upper - start) / step
        low, high = max(low, min(t1, t2)), min(high, max(t1, t2))
    return low < high


coordinate = st.integers(-5, 25)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(coordinate, coordinate), min_size=2, max_size=6),
       st.lists(st.tuples(coordinate, coordinate, st.integers(1, 12), st.integers(1, 12)), max_size=4))
def test_a_polyline_crosses_a_box_exactly_when_one_of_its_segments_enters_it(points: list[tuple[int, int]],
                                                                            boxes: list[tuple[int, ...]]) -> None:
    # Touching a side or running along it is not crossing; the quick test that skips a segment lying beyond
    # one side must agree with the exact answer.
    shapes = [Box(*map(float, box)) for box in boxes]
    expected = any(_enters_exactly(a, b, box) for a, b in zip(points, points[1:]) for box in shapes)
    assert crosses([(float(x), float(y)) for x, y in points], shapes) == expected
