"""Materialized-path invariants (no database)."""
import pytest
from hypothesis import given
from hypothesis import strategies as st

from partyorg.domain import tree


def test_segments_are_fixed_width_and_ordered():
    assert tree.encode_segment(1) == "00001"
    assert tree.encode_segment(36) == "00010"
    assert tree.encode_segment(2) > tree.encode_segment(1)
    with pytest.raises(ValueError):
        tree.encode_segment(0)


def test_paths_depth_parent_ancestors():
    p = tree.child_path(tree.child_path(tree.encode_segment(1), 3), 7)
    assert tree.depth_of(p) == 3
    assert tree.parent_path(p) == tree.child_path(tree.encode_segment(1), 3)
    assert tree.ancestor_paths(p) == [p[:5], p[:10]]
    assert tree.is_descendant(p, p[:5]) and not tree.is_descendant(p[:5], p)


def test_rebase_moves_a_subtree():
    old, new = "00001" "00002", "00001" "00005"
    assert tree.rebase(old + "00003", old, new) == new + "00003"
    with pytest.raises(ValueError):
        tree.rebase("00009", old, new)


def test_covering_removes_nested_prefixes():
    assert tree.covering(["0000100002", "00001", "0000300001", "0000300001"]) == ["00001", "0000300001"]


@given(st.integers(1, tree.MAX_SEGMENT), st.integers(1, tree.MAX_SEGMENT))
def test_segment_order_matches_integer_order(a, b):
    assert (tree.encode_segment(a) < tree.encode_segment(b)) == (a < b)
