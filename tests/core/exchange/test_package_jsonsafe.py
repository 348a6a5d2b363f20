"""``jsonsafe.check_depth`` (regex fast path) agrees with the plain byte walk it
replaced, on JSON-like text full of brackets, quotes and escapes."""
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop_app.exchange.jsonsafe import check_depth


def reference(data: bytes, max_depth: int) -> tuple[bool, bool]:
    """(accepted, ends inside a string)."""
    depth, in_string, escaped = 0, False, False
    for byte in data:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:
                escaped = True
            elif byte == 0x22:
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):
            depth += 1
            if depth > max_depth:
                return False, in_string
        elif byte in (0x5D, 0x7D):
            depth -= 1
    return True, in_string


def accepts(data: bytes, max_depth: int) -> bool:
    try:
        check_depth(data, max_depth)
    except ValueError:
        return False
    return True


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from([b"[", b"]", b"{", b"}", b'"', b"\\", b"a", b",", b":"]),
                max_size=60).map(b"".join), st.integers(1, 8))
def test_same_verdict_as_the_byte_walk(data, max_depth):
    ref, unterminated = reference(data, max_depth)
    # Where the old walk accepted, the new check does too, except on text with an
    # unterminated string, whose brackets it counts (stricter; such JSON never parses).
    if accepts(data, max_depth) != ref:
        assert ref and unterminated


def test_deep_nesting_outside_strings_is_refused():
    assert not accepts(b"[" * 9 + b"]" * 9, 8)
    assert accepts(b'["' + b"[" * 100 + b'"]', 8)
    assert accepts(b'{"a":{"b":[1,2,{"c":[]}]}}', 8)
