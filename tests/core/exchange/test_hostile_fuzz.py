"""Issue 9, item 2: no package, however built, produces a traceback.

Hypothesis builds hostile parts — record lines, conflict rows, manifests, receipts and
unsigned headers — into packages signed with a trusted office's real key; the import
must either succeed or refuse with a ``UserFacingError`` (one line of Chinese), and a
refusal must leave the receiving database as it was (its audit entry aside)."""
from __future__ import annotations

import re
import uuid

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from desktop_app.errors import UserFacingError
from desktop_app.exchange.envelope import read_header
from desktop_app.exchange.errors import PackageRejected
from desktop_app.exchange.merge import conflict_row
from hostile_kit import bumped, forge, wire
from sync_kit import county_records, make_node, trust

CJK = re.compile(r"[\u4e00-\u9fff]")
FUZZ = settings(max_examples=40, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])

texts = st.one_of(st.text(max_size=30),
                  st.sampled_from(["\ud800", "../../x", "CON", "2026-02-30", "NaN",
                                   "9" * 30, "[" * 50, "有效", "CNTY-A", "CITY", ""]))
ints = st.one_of(st.integers(-5, 5), st.sampled_from([2 ** 53, 2 ** 63 - 1, 2 ** 63,
                                                      -(2 ** 63) - 1, 10 ** 30]))
scalars = st.one_of(st.none(), st.booleans(), ints, texts)
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(texts, inner, max_size=3)), max_leaves=12)


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("fuzz")
    county = make_node(tmp, "county", "CNTY-A", "甲县纪委监委")
    city = make_node(tmp, "city", "CITY", "乙市纪委监委")
    trust(county, city)
    ids = county_records(county)
    city.import_(county.export(city, tmp / "first").packages[0])
    yield county, city, ids, tmp
    county.close()
    city.close()


def attempt(city, path) -> None:
    """Import; a refusal must be one clean Chinese line and change nothing."""
    before = city.digest()
    try:
        city.import_(path)
    except UserFacingError as exc:
        message = str(exc)
        assert "\n" not in message and CJK.search(message), message
        assert city.digest() == before


def mutated(row: dict, data) -> dict:
    row = dict(row)
    for key in data.draw(st.lists(st.sampled_from(sorted(row) + ["额外"]), max_size=3)):
        if data.draw(st.booleans()) and key in row:
            del row[key]
        else:
            row[key] = data.draw(values)
    return row


@FUZZ
@given(data=st.data())
def test_fuzzed_record_lines(world, data):
    county, city, ids, tmp = world
    table = data.draw(st.sampled_from(["unit", "person", "talk"]))
    row = mutated(bumped(county, wire(county, table, ids[table])), data)
    path = forge(county, "CITY", {table: [row]}, tmp / f"{uuid.uuid4().hex}.tzx")
    attempt(city, path)


@FUZZ
@given(data=st.data())
def test_fuzzed_raw_lines(world, data):
    county, city, ids, tmp = world
    line = data.draw(st.one_of(
        st.binary(max_size=200).filter(lambda b: b"\n" not in b),
        st.lists(st.sampled_from([b"[", b"]", b"{", b"}", b'"', b"\\", b"u", b"d800", b":",
                                  b",", b"1", b'"_vv"', b"null"]), max_size=80).map(b"".join)))
    path = forge(county, "CITY", {"unit": [line or b"{}"]}, tmp / f"{uuid.uuid4().hex}.tzx")
    attempt(city, path)


@FUZZ
@given(data=st.data())
def test_fuzzed_conflict_rows(world, data):
    county, city, ids, tmp = world
    a = wire(county, "unit", ids["unit"])
    b = bumped(county, a, short_name=data.draw(st.text(max_size=10)))
    row = mutated(conflict_row("unit", b, a), data)
    path = forge(county, "CITY", {"sync_conflict": [row]}, tmp / f"{uuid.uuid4().hex}.tzx")
    attempt(city, path)


@FUZZ
@given(data=st.data())
def test_fuzzed_manifests_and_receipts(world, data):
    county, city, ids, tmp = world
    kind = data.draw(st.sampled_from(["delta", "full", "receipt"]))
    fields = ["kind", "sender_node", "sender_knowledge", "split", "coverage_digest",
              "schema_version", "receipt_for", "额外"]
    manifest = {k: data.draw(values) for k in data.draw(st.lists(st.sampled_from(fields),
                                                                 max_size=3))}
    acks = data.draw(st.one_of(st.none(), st.dictionaries(texts, values, max_size=3)))
    tables = {} if kind == "receipt" and data.draw(st.booleans()) else \
        {"unit": [bumped(county, wire(county, "unit", ids["unit"]))]}
    try:
        path = forge(county, "CITY", tables, tmp / f"{uuid.uuid4().hex}.tzx", kind=kind,
                     manifest=manifest, acks=acks)
    except (ValueError, TypeError):
        return                          # the writer itself refuses to build it
    attempt(city, path)


@FUZZ
@given(header=values, data=st.data())
def test_fuzzed_unsigned_headers(world, header, data, tmp_path_factory):
    county, city, ids, tmp = world
    from desktop_app.exchange.jsonsafe import canonical_json
    try:
        body = canonical_json(header)
    except (ValueError, UnicodeEncodeError):
        body = data.draw(st.binary(max_size=100))
    body = body or b"{}"
    path = tmp / f"{uuid.uuid4().hex}.tzx"
    path.write_bytes(b"TZPKG\0\x01\n" + len(body).to_bytes(4, "big") + body + b"\0" * 64)
    with pytest.raises(PackageRejected):
        read_header(path)
    attempt(city, path)
