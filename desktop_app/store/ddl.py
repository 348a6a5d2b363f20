"""The SQL schema, generated from the family declarations.

Migration step 1 runs the text this module produces; ``sql/001_initial.sql``
keeps that text as released so that a later change to a declaration cannot
silently change what step 1 did (a test compares the two: a declaration change
needs a new migration step).
"""
from __future__ import annotations

from desktop_app.domain.registry import FAMILIES
from desktop_app.domain.schema import COMMON_COLUMNS, SQL_TYPES, Family, Kind

# record_link declares its columns in its key's order: SQLite 3.40's quick_check reports
# false NULLs in a WITHOUT ROWID table whose key lists the columns in another order.
BOOKKEEPING = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE node (
    instance_id TEXT PRIMARY KEY, database_id TEXT NOT NULL, fingerprint TEXT NOT NULL,
    counter INTEGER NOT NULL DEFAULT 0, created_at TEXT NOT NULL);
CREATE TABLE office (
    code TEXT PRIMARY KEY, name TEXT NOT NULL, is_self INTEGER NOT NULL DEFAULT 0,
    public_key TEXT, trusted_at TEXT, parent_code TEXT);
CREATE TABLE setting (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE knowledge (scope TEXT NOT NULL, instance TEXT NOT NULL, counter INTEGER NOT NULL,
    PRIMARY KEY (scope, instance));
CREATE TABLE audit_log (
    seq INTEGER PRIMARY KEY, ts TEXT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL,
    family TEXT, record_id TEXT, detail TEXT NOT NULL, hash BLOB NOT NULL);
CREATE INDEX audit_record ON audit_log (record_id);
CREATE INDEX audit_actor ON audit_log (actor);
CREATE TABLE record_index (
    family TEXT NOT NULL, id TEXT NOT NULL, title TEXT NOT NULL, body TEXT NOT NULL,
    main_date TEXT, status TEXT NOT NULL, voided INTEGER NOT NULL, updated_at TEXT NOT NULL,
    PRIMARY KEY (family, id));
CREATE INDEX record_index_updated ON record_index (updated_at);
CREATE VIRTUAL TABLE record_grams USING fts5(
    grams, content='', detail='none', columnsize=0, tokenize='ascii');
CREATE TABLE record_link (
    person_id TEXT NOT NULL, voided INTEGER NOT NULL, main_date TEXT NOT NULL,
    family TEXT NOT NULL, id TEXT NOT NULL, field TEXT NOT NULL,
    PRIMARY KEY (person_id, voided, main_date, family, id, field)) WITHOUT ROWID;
CREATE INDEX record_link_record ON record_link (family, id);
CREATE TABLE deadline (
    family TEXT NOT NULL, id TEXT NOT NULL, kind TEXT NOT NULL, label TEXT NOT NULL,
    due_date TEXT NOT NULL, done_date TEXT, active INTEGER NOT NULL,
    PRIMARY KEY (family, id, kind)) WITHOUT ROWID;
CREATE INDEX deadline_open ON deadline (active, done_date, due_date)
    WHERE active = 1 AND done_date IS NULL;
CREATE TABLE ledger_counter (prefix TEXT NOT NULL, year INTEGER NOT NULL, last INTEGER NOT NULL,
    PRIMARY KEY (prefix, year));
CREATE TABLE blob (sha256 TEXT PRIMARY KEY, size INTEGER NOT NULL, created_at TEXT NOT NULL);
CREATE TABLE peer_knowledge (peer_office TEXT NOT NULL, scope TEXT NOT NULL, instance TEXT NOT NULL,
    counter INTEGER NOT NULL, PRIMARY KEY (peer_office, scope, instance));
CREATE TABLE export_log (
    package_id TEXT PRIMARY KEY, peer TEXT NOT NULL, seq INTEGER NOT NULL, kind TEXT NOT NULL,
    sha256 TEXT NOT NULL, path TEXT NOT NULL, records INTEGER NOT NULL, attachments INTEGER NOT NULL,
    created_utc TEXT NOT NULL, created_by TEXT NOT NULL);
CREATE TABLE imported_package (
    package_id TEXT PRIMARY KEY, sender TEXT NOT NULL, seq INTEGER NOT NULL, kind TEXT NOT NULL,
    sha256 TEXT NOT NULL, imported_utc TEXT NOT NULL, imported_by TEXT NOT NULL,
    summary_json TEXT NOT NULL, report_path TEXT);
CREATE TABLE sync_conflict (
    id TEXT PRIMARY KEY, tbl TEXT NOT NULL, record_id TEXT NOT NULL, winner_json TEXT NOT NULL,
    loser_json TEXT NOT NULL, kind TEXT NOT NULL, status TEXT NOT NULL, detected_utc TEXT NOT NULL,
    resolved_by TEXT, resolved_utc TEXT, owner_office TEXT NOT NULL,
    _origin TEXT, _counter INTEGER, _hlc TEXT, _vv TEXT);
CREATE INDEX sync_conflict_record ON sync_conflict (tbl, record_id);
CREATE TABLE account (
    name TEXT PRIMARY KEY, role TEXT NOT NULL, password TEXT NOT NULL,
    active INTEGER NOT NULL DEFAULT 1, failures INTEGER NOT NULL DEFAULT 0, locked_until TEXT,
    person_id TEXT, created_at TEXT NOT NULL, created_by TEXT NOT NULL,
    password_changed_at TEXT NOT NULL, last_login TEXT);
CREATE TABLE account_relative (
    account TEXT NOT NULL REFERENCES account(name) ON UPDATE CASCADE, person_id TEXT NOT NULL,
    relation TEXT NOT NULL, PRIMARY KEY (account, person_id));
"""


def _column(f) -> str:
    sql = f"{f.name} {SQL_TYPES[f.kind]}"
    if f.kind is Kind.REF:
        sql += f" REFERENCES {f.ref}(id)"
    return sql


def indexed_columns(fam: Family) -> set[str]:
    """The columns of a family table that lead an index (lists sort and filter by them)."""
    idx = {fam.date_field, "updated_at", "status"}
    idx |= {f.name for f in fam.fields if f.kind is Kind.REF}
    if fam.type_field:
        idx.add(fam.type_field)
    return idx


def family_ddl(fam: Family) -> str:
    cols = [f"{n} {t}" for n, t in COMMON_COLUMNS] + [_column(f) for f in fam.fields]
    out = [f"CREATE TABLE {fam.name} (\n    " + ",\n    ".join(cols) + "\n);"]
    idx = indexed_columns(fam)
    # voided after the sort key: a list walking an index skips voided rows without
    # reading them (every list hides them unless asked); ties are broken by the rowid
    # every index entry carries anyway, not by the 36-character id (issue 14: the id
    # made each entry twice as large)
    for col in sorted(idx):
        out.append(f"CREATE INDEX {fam.name}_{col} ON {fam.name} ({col}, voided);")
    # no index on (_origin, _counter): no query reads by them (an export compares whole
    # version vectors row by row, exchange/outgoing.py), and it cost 55 bytes a record
    return "\n".join(out)


def initial_schema() -> str:
    parts = [BOOKKEEPING.strip()]
    parts += [family_ddl(fam) for fam in FAMILIES.values()]
    return "\n\n".join(parts) + "\n"


if __name__ == "__main__":  # regenerate sql/001_initial.sql before the first release
    import sys
    sys.stdout.write(initial_schema())
