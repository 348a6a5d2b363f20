"""``jsonsafe.check_depth`` (linear, all in C) agrees with a plain byte walk on
JSON-like text full of brackets, quotes and escapes, and stays linear on the worst
inputs (the regex it replaced rescanned from every escaped quote: quadratic)."""
import time

from hypothesis import example, given, settings
from hypothesis import strategies as st

from desktop_app.exchange.jsonsafe import check_depth


def reference(data: bytes, max_depth: int) -> tuple[bool, bool, int, bool]:
    """(accepted, ends inside a string, deepest nesting the parser can reach, brackets balanced).

    A backslash outside a string is not JSON at all; such text counts as unbalanced
    (the check may refuse it more strictly than the walk, which is harmless), and the
    parser stops there: nesting after it is never reached (b'\\""[[[' fails at once)."""
    depth, in_string, escaped, deepest, balanced = 0, False, False, 0, True
    for byte in data:
        if not in_string and byte == 0x5C:
            return deepest <= max_depth, False, deepest, False
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
            deepest = max(deepest, depth)
        elif byte in (0x5D, 0x7D):
            depth -= 1
            balanced = balanced and depth >= 0
    return deepest <= max_depth, in_string, deepest, balanced and depth == 0


def accepts(data: bytes, max_depth: int) -> bool:
    try:
        check_depth(data, max_depth)
    except ValueError:
        return False
    return True


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from([b"[", b"]", b"{", b"}", b'"', b"\\", b"a", b",", b":"]),
                max_size=60).map(b"".join), st.integers(1, 8))
@example(b'\\""[[[', 1)          # once found: a stray backslash first, brackets after it
def test_same_verdict_as_the_byte_walk(data, max_depth):
    ref, unterminated, deepest, balanced = reference(data, max_depth)
    verdict = accepts(data, max_depth)
    if balanced and not unterminated:
        assert verdict == ref
    elif verdict:
        # Unbalanced text never parses; what matters is that the parser cannot
        # recurse far before it fails: at most the cap plus the cap again.
        assert deepest <= 2 * max_depth


def test_deep_nesting_outside_strings_is_refused():
    assert not accepts(b"[" * 9 + b"]" * 9, 8)
    assert accepts(b'["' + b"[" * 100 + b'"]', 8)
    assert accepts(b'{"a":{"b":[1,2,{"c":[]}]}}', 8)


def test_worst_cases_of_one_mebibyte_are_linear():
    worst = [b'"' + b'\\"' * (512 * 1024), b'["' + b"[" * (1 << 20), b"[{" * (1 << 19),
             b'["\\"[' * (1 << 18), b'"' * (1 << 20), b"[" * 9 + b'"\\' * (1 << 19)]
    for data in worst:
        started = time.perf_counter()
        accepts(data, 8)
        assert time.perf_counter() - started < 2.0    # the quadratic scan took hours
