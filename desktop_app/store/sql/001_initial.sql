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

CREATE TABLE unit (
    id TEXT PRIMARY KEY,
    ledger_no TEXT,
    owner_office TEXT NOT NULL,
    status TEXT NOT NULL,
    sensitivity TEXT NOT NULL DEFAULT '一般',
    voided INTEGER NOT NULL DEFAULT 0,
    void_reason TEXT,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    _origin TEXT NOT NULL,
    _counter INTEGER NOT NULL,
    _hlc TEXT NOT NULL,
    _vv TEXT NOT NULL,
    name TEXT,
    short_name TEXT,
    category TEXT,
    secretary_id TEXT REFERENCES person(id),
    discipline_head TEXT,
    resident_group TEXT,
    note TEXT
);
CREATE INDEX unit_category ON unit (category, voided);
CREATE INDEX unit_created_at ON unit (created_at, voided);
CREATE INDEX unit_secretary_id ON unit (secretary_id, voided);
CREATE INDEX unit_status ON unit (status, voided);
CREATE INDEX unit_updated_at ON unit (updated_at, voided);

CREATE TABLE person (
    id TEXT PRIMARY KEY,
    ledger_no TEXT,
    owner_office TEXT NOT NULL,
    status TEXT NOT NULL,
    sensitivity TEXT NOT NULL DEFAULT '一般',
    voided INTEGER NOT NULL DEFAULT 0,
    void_reason TEXT,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    _origin TEXT NOT NULL,
    _counter INTEGER NOT NULL,
    _hlc TEXT NOT NULL,
    _vv TEXT NOT NULL,
    name TEXT,
    gender TEXT,
    birth TEXT,
    ethnicity TEXT,
    political_status TEXT,
    party_join_date TEXT,
    native_place TEXT,
    education TEXT,
    unit_id TEXT REFERENCES unit(id),
    position TEXT,
    rank TEXT,
    position_since TEXT,
    is_top_leader INTEGER,
    is_standing_member INTEGER,
    management TEXT
);
CREATE INDEX person_created_at ON person (created_at, voided);
CREATE INDEX person_rank ON person (rank, voided);
CREATE INDEX person_status ON person (status, voided);
CREATE INDEX person_unit_id ON person (unit_id, voided);
CREATE INDEX person_updated_at ON person (updated_at, voided);

CREATE TABLE position (
    id TEXT PRIMARY KEY,
    ledger_no TEXT,
    owner_office TEXT NOT NULL,
    status TEXT NOT NULL,
    sensitivity TEXT NOT NULL DEFAULT '一般',
    voided INTEGER NOT NULL DEFAULT 0,
    void_reason TEXT,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    _origin TEXT NOT NULL,
    _counter INTEGER NOT NULL,
    _hlc TEXT NOT NULL,
    _vv TEXT NOT NULL,
    person_id TEXT REFERENCES person(id),
    start TEXT,
    end TEXT,
    unit_id TEXT REFERENCES unit(id),
    unit_name TEXT,
    position TEXT
);
CREATE INDEX position_person_id ON position (person_id, voided);
CREATE INDEX position_start ON position (start, voided);
CREATE INDEX position_status ON position (status, voided);
CREATE INDEX position_unit_id ON position (unit_id, voided);
CREATE INDEX position_updated_at ON position (updated_at, voided);

CREATE TABLE sanction (
    id TEXT PRIMARY KEY,
    ledger_no TEXT,
    owner_office TEXT NOT NULL,
    status TEXT NOT NULL,
    sensitivity TEXT NOT NULL DEFAULT '一般',
    voided INTEGER NOT NULL DEFAULT 0,
    void_reason TEXT,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    _origin TEXT NOT NULL,
    _counter INTEGER NOT NULL,
    _hlc TEXT NOT NULL,
    _vv TEXT NOT NULL,
    person_id TEXT REFERENCES person(id),
    kind TEXT,
    organ TEXT,
    doc_no TEXT,
    decided TEXT,
    effect_months INTEGER,
    effect_end TEXT,
    note TEXT
);
CREATE INDEX sanction_decided ON sanction (decided, voided);
CREATE INDEX sanction_kind ON sanction (kind, voided);
CREATE INDEX sanction_person_id ON sanction (person_id, voided);
CREATE INDEX sanction_status ON sanction (status, voided);
CREATE INDEX sanction_updated_at ON sanction (updated_at, voided);

CREATE TABLE talk (
    id TEXT PRIMARY KEY,
    ledger_no TEXT,
    owner_office TEXT NOT NULL,
    status TEXT NOT NULL,
    sensitivity TEXT NOT NULL DEFAULT '一般',
    voided INTEGER NOT NULL DEFAULT 0,
    void_reason TEXT,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    _origin TEXT NOT NULL,
    _counter INTEGER NOT NULL,
    _hlc TEXT NOT NULL,
    _vv TEXT NOT NULL,
    talk_type TEXT,
    yuetan_subtype TEXT,
    form TEXT,
    initiator TEXT,
    reason TEXT,
    source TEXT,
    lead_no TEXT,
    person_ids TEXT,
    unit_id TEXT REFERENCES unit(id),
    subject_snapshot TEXT,
    approval_doc_no TEXT,
    approver TEXT,
    approval_date TEXT,
    needs_chief_approval INTEGER,
    talkers TEXT,
    companions TEXT,
    recorder TEXT,
    entrusted INTEGER,
    trustee TEXT,
    entrust_letter_no TEXT,
    entrust_delivered TEXT,
    entrust_report_date TEXT,
    talk_date TEXT,
    talk_time TEXT,
    place TEXT,
    summary TEXT,
    statement TEXT,
    requirements TEXT,
    written_required INTEGER,
    written_requested TEXT,
    written_submitted TEXT,
    has_rectification INTEGER,
    record_signed INTEGER,
    outcome TEXT,
    report_date TEXT,
    explain_at_meeting INTEGER,
    explained_date TEXT,
    archived_to_dossier INTEGER,
    jiemian_mode TEXT,
    jiemian_doc_no TEXT
);
CREATE INDEX talk_status ON talk (status, voided);
CREATE INDEX talk_talk_date ON talk (talk_date, voided);
CREATE INDEX talk_talk_type ON talk (talk_type, voided);
CREATE INDEX talk_unit_id ON talk (unit_id, voided);
CREATE INDEX talk_updated_at ON talk (updated_at, voided);

CREATE TABLE letter (
    id TEXT PRIMARY KEY,
    ledger_no TEXT,
    owner_office TEXT NOT NULL,
    status TEXT NOT NULL,
    sensitivity TEXT NOT NULL DEFAULT '一般',
    voided INTEGER NOT NULL DEFAULT 0,
    void_reason TEXT,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    _origin TEXT NOT NULL,
    _counter INTEGER NOT NULL,
    _hlc TEXT NOT NULL,
    _vv TEXT NOT NULL,
    letter_type TEXT,
    doc_no TEXT,
    title TEXT,
    issuing_organ TEXT,
    recipient_person_id TEXT REFERENCES person(id),
    recipient_unit_id TEXT REFERENCES unit(id),
    recipient_text TEXT,
    cc TEXT,
    cc_up TEXT,
    signer TEXT,
    sign_date TEXT,
    written_date TEXT,
    delivery_method TEXT,
    delivered_date TEXT,
    receiver TEXT,
    summary TEXT,
    reminder_category TEXT,
    stopped_behavior TEXT,
    basis TEXT,
    problems TEXT,
    suggestions TEXT,
    lead_no TEXT,
    reply_form TEXT,
    reply_due TEXT,
    reply_date TEXT,
    reply_doc_no TEXT,
    reply_signer TEXT,
    direct_reply INTEGER,
    report_date TEXT,
    outcome TEXT,
    feedback_doc_no TEXT,
    feedback_date TEXT,
    spot_check INTEGER,
    feedback_days INTEGER,
    approver TEXT,
    rect_plan_received TEXT,
    rect_report_received TEXT,
    lookback_date TEXT,
    lookback_conclusion TEXT,
    accountability INTEGER
);
CREATE INDEX letter_letter_type ON letter (letter_type, voided);
CREATE INDEX letter_recipient_person_id ON letter (recipient_person_id, voided);
CREATE INDEX letter_recipient_unit_id ON letter (recipient_unit_id, voided);
CREATE INDEX letter_status ON letter (status, voided);
CREATE INDEX letter_updated_at ON letter (updated_at, voided);
CREATE INDEX letter_written_date ON letter (written_date, voided);

CREATE TABLE rectification (
    id TEXT PRIMARY KEY,
    ledger_no TEXT,
    owner_office TEXT NOT NULL,
    status TEXT NOT NULL,
    sensitivity TEXT NOT NULL DEFAULT '一般',
    voided INTEGER NOT NULL DEFAULT 0,
    void_reason TEXT,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    _origin TEXT NOT NULL,
    _counter INTEGER NOT NULL,
    _hlc TEXT NOT NULL,
    _vv TEXT NOT NULL,
    title TEXT,
    source_type TEXT,
    source_id TEXT,
    unit_id TEXT REFERENCES unit(id),
    responsible_id TEXT REFERENCES person(id),
    responsible_text TEXT,
    issued_date TEXT,
    plan_due TEXT,
    plan_date TEXT,
    report_due TEXT,
    report_date TEXT,
    report_doc_no TEXT,
    lookback_date TEXT,
    lookback_conclusion TEXT,
    followup TEXT,
    note TEXT
);
CREATE INDEX rectification_issued_date ON rectification (issued_date, voided);
CREATE INDEX rectification_responsible_id ON rectification (responsible_id, voided);
CREATE INDEX rectification_source_type ON rectification (source_type, voided);
CREATE INDEX rectification_status ON rectification (status, voided);
CREATE INDEX rectification_unit_id ON rectification (unit_id, voided);
CREATE INDEX rectification_updated_at ON rectification (updated_at, voided);

CREATE TABLE rect_item (
    id TEXT PRIMARY KEY,
    ledger_no TEXT,
    owner_office TEXT NOT NULL,
    status TEXT NOT NULL,
    sensitivity TEXT NOT NULL DEFAULT '一般',
    voided INTEGER NOT NULL DEFAULT 0,
    void_reason TEXT,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    _origin TEXT NOT NULL,
    _counter INTEGER NOT NULL,
    _hlc TEXT NOT NULL,
    _vv TEXT NOT NULL,
    rectification_id TEXT REFERENCES rectification(id),
    seq INTEGER,
    problem TEXT,
    measures TEXT,
    deadline TEXT,
    extended_to TEXT,
    completed_date TEXT,
    acceptor TEXT,
    acceptance TEXT
);
CREATE INDEX rect_item_deadline ON rect_item (deadline, voided);
CREATE INDEX rect_item_rectification_id ON rect_item (rectification_id, voided);
CREATE INDEX rect_item_status ON rect_item (status, voided);
CREATE INDEX rect_item_updated_at ON rect_item (updated_at, voided);

CREATE TABLE rect_extension (
    id TEXT PRIMARY KEY,
    ledger_no TEXT,
    owner_office TEXT NOT NULL,
    status TEXT NOT NULL,
    sensitivity TEXT NOT NULL DEFAULT '一般',
    voided INTEGER NOT NULL DEFAULT 0,
    void_reason TEXT,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    _origin TEXT NOT NULL,
    _counter INTEGER NOT NULL,
    _hlc TEXT NOT NULL,
    _vv TEXT NOT NULL,
    item_id TEXT REFERENCES rect_item(id),
    applied TEXT,
    reason TEXT,
    approver TEXT,
    new_deadline TEXT
);
CREATE INDEX rect_extension_applied ON rect_extension (applied, voided);
CREATE INDEX rect_extension_item_id ON rect_extension (item_id, voided);
CREATE INDEX rect_extension_status ON rect_extension (status, voided);
CREATE INDEX rect_extension_updated_at ON rect_extension (updated_at, voided);

CREATE TABLE rect_action (
    id TEXT PRIMARY KEY,
    ledger_no TEXT,
    owner_office TEXT NOT NULL,
    status TEXT NOT NULL,
    sensitivity TEXT NOT NULL DEFAULT '一般',
    voided INTEGER NOT NULL DEFAULT 0,
    void_reason TEXT,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    _origin TEXT NOT NULL,
    _counter INTEGER NOT NULL,
    _hlc TEXT NOT NULL,
    _vv TEXT NOT NULL,
    rectification_id TEXT REFERENCES rectification(id),
    action_date TEXT,
    method TEXT,
    supervisor TEXT,
    result TEXT
);
CREATE INDEX rect_action_action_date ON rect_action (action_date, voided);
CREATE INDEX rect_action_method ON rect_action (method, voided);
CREATE INDEX rect_action_rectification_id ON rect_action (rectification_id, voided);
CREATE INDEX rect_action_status ON rect_action (status, voided);
CREATE INDEX rect_action_updated_at ON rect_action (updated_at, voided);

CREATE TABLE duty_report (
    id TEXT PRIMARY KEY,
    ledger_no TEXT,
    owner_office TEXT NOT NULL,
    status TEXT NOT NULL,
    sensitivity TEXT NOT NULL DEFAULT '一般',
    voided INTEGER NOT NULL DEFAULT 0,
    void_reason TEXT,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    _origin TEXT NOT NULL,
    _counter INTEGER NOT NULL,
    _hlc TEXT NOT NULL,
    _vv TEXT NOT NULL,
    person_id TEXT REFERENCES person(id),
    role TEXT,
    cycle TEXT,
    period TEXT,
    form TEXT,
    meeting_name TEXT,
    meeting_date TEXT,
    participants TEXT,
    due TEXT,
    submitted TEXT,
    reviewer TEXT,
    review TEXT,
    issues TEXT,
    score REAL,
    spot_check INTEGER,
    spot_method TEXT,
    spot_conclusion TEXT,
    publicity TEXT,
    publicity_doc_no TEXT,
    rank_no INTEGER,
    archived INTEGER
);
CREATE INDEX duty_report_cycle ON duty_report (cycle, voided);
CREATE INDEX duty_report_meeting_date ON duty_report (meeting_date, voided);
CREATE INDEX duty_report_person_id ON duty_report (person_id, voided);
CREATE INDEX duty_report_status ON duty_report (status, voided);
CREATE INDEX duty_report_updated_at ON duty_report (updated_at, voided);

CREATE TABLE warning_session (
    id TEXT PRIMARY KEY,
    ledger_no TEXT,
    owner_office TEXT NOT NULL,
    status TEXT NOT NULL,
    sensitivity TEXT NOT NULL DEFAULT '一般',
    voided INTEGER NOT NULL DEFAULT 0,
    void_reason TEXT,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    _origin TEXT NOT NULL,
    _counter INTEGER NOT NULL,
    _hlc TEXT NOT NULL,
    _vv TEXT NOT NULL,
    name TEXT,
    form TEXT,
    organizer_unit_id TEXT REFERENCES unit(id),
    held_date TEXT,
    place TEXT,
    audience TEXT,
    expected INTEGER,
    actual INTEGER,
    attendee_ids TEXT,
    cases TEXT,
    local_case INTEGER,
    speaker TEXT,
    after_requirements TEXT,
    after_due TEXT,
    after_done TEXT
);
CREATE INDEX warning_session_form ON warning_session (form, voided);
CREATE INDEX warning_session_held_date ON warning_session (held_date, voided);
CREATE INDEX warning_session_organizer_unit_id ON warning_session (organizer_unit_id, voided);
CREATE INDEX warning_session_status ON warning_session (status, voided);
CREATE INDEX warning_session_updated_at ON warning_session (updated_at, voided);

CREATE TABLE major_matter (
    id TEXT PRIMARY KEY,
    ledger_no TEXT,
    owner_office TEXT NOT NULL,
    status TEXT NOT NULL,
    sensitivity TEXT NOT NULL DEFAULT '一般',
    voided INTEGER NOT NULL DEFAULT 0,
    void_reason TEXT,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    _origin TEXT NOT NULL,
    _counter INTEGER NOT NULL,
    _hlc TEXT NOT NULL,
    _vv TEXT NOT NULL,
    person_id TEXT REFERENCES person(id),
    report_date TEXT,
    category TEXT,
    description TEXT,
    event_date TEXT,
    on_time INTEGER,
    check_result TEXT
);
CREATE INDEX major_matter_category ON major_matter (category, voided);
CREATE INDEX major_matter_person_id ON major_matter (person_id, voided);
CREATE INDEX major_matter_report_date ON major_matter (report_date, voided);
CREATE INDEX major_matter_status ON major_matter (status, voided);
CREATE INDEX major_matter_updated_at ON major_matter (updated_at, voided);

CREATE TABLE request (
    id TEXT PRIMARY KEY,
    ledger_no TEXT,
    owner_office TEXT NOT NULL,
    status TEXT NOT NULL,
    sensitivity TEXT NOT NULL DEFAULT '一般',
    voided INTEGER NOT NULL DEFAULT 0,
    void_reason TEXT,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    _origin TEXT NOT NULL,
    _counter INTEGER NOT NULL,
    _hlc TEXT NOT NULL,
    _vv TEXT NOT NULL,
    person_id TEXT REFERENCES person(id),
    matter TEXT,
    method TEXT,
    request_date TEXT,
    reply TEXT
);
CREATE INDEX request_person_id ON request (person_id, voided);
CREATE INDEX request_request_date ON request (request_date, voided);
CREATE INDEX request_status ON request (status, voided);
CREATE INDEX request_updated_at ON request (updated_at, voided);

CREATE TABLE reminder (
    id TEXT PRIMARY KEY,
    ledger_no TEXT,
    owner_office TEXT NOT NULL,
    status TEXT NOT NULL,
    sensitivity TEXT NOT NULL DEFAULT '一般',
    voided INTEGER NOT NULL DEFAULT 0,
    void_reason TEXT,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    _origin TEXT NOT NULL,
    _counter INTEGER NOT NULL,
    _hlc TEXT NOT NULL,
    _vv TEXT NOT NULL,
    method TEXT,
    matter TEXT,
    remind_date TEXT,
    reminder_by TEXT,
    person_id TEXT REFERENCES person(id),
    feedback_due TEXT,
    feedback_date TEXT,
    feedback TEXT
);
CREATE INDEX reminder_method ON reminder (method, voided);
CREATE INDEX reminder_person_id ON reminder (person_id, voided);
CREATE INDEX reminder_remind_date ON reminder (remind_date, voided);
CREATE INDEX reminder_status ON reminder (status, voided);
CREATE INDEX reminder_updated_at ON reminder (updated_at, voided);

CREATE TABLE meeting (
    id TEXT PRIMARY KEY,
    ledger_no TEXT,
    owner_office TEXT NOT NULL,
    status TEXT NOT NULL,
    sensitivity TEXT NOT NULL DEFAULT '一般',
    voided INTEGER NOT NULL DEFAULT 0,
    void_reason TEXT,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    _origin TEXT NOT NULL,
    _counter INTEGER NOT NULL,
    _hlc TEXT NOT NULL,
    _vv TEXT NOT NULL,
    meeting_type TEXT,
    session TEXT,
    meeting_date TEXT,
    note TEXT
);
CREATE INDEX meeting_meeting_date ON meeting (meeting_date, voided);
CREATE INDEX meeting_meeting_type ON meeting (meeting_type, voided);
CREATE INDEX meeting_status ON meeting (status, voided);
CREATE INDEX meeting_updated_at ON meeting (updated_at, voided);

CREATE TABLE topic (
    id TEXT PRIMARY KEY,
    ledger_no TEXT,
    owner_office TEXT NOT NULL,
    status TEXT NOT NULL,
    sensitivity TEXT NOT NULL DEFAULT '一般',
    voided INTEGER NOT NULL DEFAULT 0,
    void_reason TEXT,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    _origin TEXT NOT NULL,
    _counter INTEGER NOT NULL,
    _hlc TEXT NOT NULL,
    _vv TEXT NOT NULL,
    meeting_id TEXT REFERENCES meeting(id),
    name TEXT,
    sanzhongyida TEXT,
    pre_review TEXT,
    materials_in_advance INTEGER,
    democratic_centralism INTEGER,
    last_to_speak INTEGER,
    vote TEXT,
    discipline_opinion TEXT
);
CREATE INDEX topic_created_at ON topic (created_at, voided);
CREATE INDEX topic_meeting_id ON topic (meeting_id, voided);
CREATE INDEX topic_sanzhongyida ON topic (sanzhongyida, voided);
CREATE INDEX topic_status ON topic (status, voided);
CREATE INDEX topic_updated_at ON topic (updated_at, voided);

CREATE TABLE meeting_reminder (
    id TEXT PRIMARY KEY,
    ledger_no TEXT,
    owner_office TEXT NOT NULL,
    status TEXT NOT NULL,
    sensitivity TEXT NOT NULL DEFAULT '一般',
    voided INTEGER NOT NULL DEFAULT 0,
    void_reason TEXT,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    _origin TEXT NOT NULL,
    _counter INTEGER NOT NULL,
    _hlc TEXT NOT NULL,
    _vv TEXT NOT NULL,
    topic_id TEXT REFERENCES topic(id),
    matter TEXT,
    person_id TEXT REFERENCES person(id),
    remind_date TEXT
);
CREATE INDEX meeting_reminder_person_id ON meeting_reminder (person_id, voided);
CREATE INDEX meeting_reminder_remind_date ON meeting_reminder (remind_date, voided);
CREATE INDEX meeting_reminder_status ON meeting_reminder (status, voided);
CREATE INDEX meeting_reminder_topic_id ON meeting_reminder (topic_id, voided);
CREATE INDEX meeting_reminder_updated_at ON meeting_reminder (updated_at, voided);

CREATE TABLE meeting_task (
    id TEXT PRIMARY KEY,
    ledger_no TEXT,
    owner_office TEXT NOT NULL,
    status TEXT NOT NULL,
    sensitivity TEXT NOT NULL DEFAULT '一般',
    voided INTEGER NOT NULL DEFAULT 0,
    void_reason TEXT,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    _origin TEXT NOT NULL,
    _counter INTEGER NOT NULL,
    _hlc TEXT NOT NULL,
    _vv TEXT NOT NULL,
    topic_id TEXT REFERENCES topic(id),
    task TEXT,
    responsible_id TEXT REFERENCES person(id),
    responsible_text TEXT,
    deadline TEXT,
    done_date TEXT
);
CREATE INDEX meeting_task_deadline ON meeting_task (deadline, voided);
CREATE INDEX meeting_task_responsible_id ON meeting_task (responsible_id, voided);
CREATE INDEX meeting_task_status ON meeting_task (status, voided);
CREATE INDEX meeting_task_topic_id ON meeting_task (topic_id, voided);
CREATE INDEX meeting_task_updated_at ON meeting_task (updated_at, voided);

CREATE TABLE resp_template (
    id TEXT PRIMARY KEY,
    ledger_no TEXT,
    owner_office TEXT NOT NULL,
    status TEXT NOT NULL,
    sensitivity TEXT NOT NULL DEFAULT '一般',
    voided INTEGER NOT NULL DEFAULT 0,
    void_reason TEXT,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    _origin TEXT NOT NULL,
    _counter INTEGER NOT NULL,
    _hlc TEXT NOT NULL,
    _vv TEXT NOT NULL,
    name TEXT,
    year INTEGER,
    version TEXT,
    subject TEXT
);
CREATE INDEX resp_template_created_at ON resp_template (created_at, voided);
CREATE INDEX resp_template_status ON resp_template (status, voided);
CREATE INDEX resp_template_subject ON resp_template (subject, voided);
CREATE INDEX resp_template_updated_at ON resp_template (updated_at, voided);

CREATE TABLE resp_item (
    id TEXT PRIMARY KEY,
    ledger_no TEXT,
    owner_office TEXT NOT NULL,
    status TEXT NOT NULL,
    sensitivity TEXT NOT NULL DEFAULT '一般',
    voided INTEGER NOT NULL DEFAULT 0,
    void_reason TEXT,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    _origin TEXT NOT NULL,
    _counter INTEGER NOT NULL,
    _hlc TEXT NOT NULL,
    _vv TEXT NOT NULL,
    template_id TEXT REFERENCES resp_template(id),
    category_no INTEGER,
    category TEXT,
    item_no INTEGER,
    item TEXT,
    description TEXT,
    score REAL,
    frequency TEXT,
    fill_deadline TEXT
);
CREATE INDEX resp_item_fill_deadline ON resp_item (fill_deadline, voided);
CREATE INDEX resp_item_status ON resp_item (status, voided);
CREATE INDEX resp_item_template_id ON resp_item (template_id, voided);
CREATE INDEX resp_item_updated_at ON resp_item (updated_at, voided);

CREATE TABLE resp_entry (
    id TEXT PRIMARY KEY,
    ledger_no TEXT,
    owner_office TEXT NOT NULL,
    status TEXT NOT NULL,
    sensitivity TEXT NOT NULL DEFAULT '一般',
    voided INTEGER NOT NULL DEFAULT 0,
    void_reason TEXT,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    _origin TEXT NOT NULL,
    _counter INTEGER NOT NULL,
    _hlc TEXT NOT NULL,
    _vv TEXT NOT NULL,
    item_id TEXT REFERENCES resp_item(id),
    person_id TEXT REFERENCES person(id),
    entry_date TEXT,
    content TEXT,
    reviewer TEXT
);
CREATE INDEX resp_entry_entry_date ON resp_entry (entry_date, voided);
CREATE INDEX resp_entry_item_id ON resp_entry (item_id, voided);
CREATE INDEX resp_entry_person_id ON resp_entry (person_id, voided);
CREATE INDEX resp_entry_status ON resp_entry (status, voided);
CREATE INDEX resp_entry_updated_at ON resp_entry (updated_at, voided);

CREATE TABLE focus_item (
    id TEXT PRIMARY KEY,
    ledger_no TEXT,
    owner_office TEXT NOT NULL,
    status TEXT NOT NULL,
    sensitivity TEXT NOT NULL DEFAULT '一般',
    voided INTEGER NOT NULL DEFAULT 0,
    void_reason TEXT,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    _origin TEXT NOT NULL,
    _counter INTEGER NOT NULL,
    _hlc TEXT NOT NULL,
    _vv TEXT NOT NULL,
    category_no INTEGER,
    category TEXT,
    content TEXT,
    methods TEXT,
    frequency TEXT,
    department TEXT
);
CREATE INDEX focus_item_created_at ON focus_item (created_at, voided);
CREATE INDEX focus_item_status ON focus_item (status, voided);
CREATE INDEX focus_item_updated_at ON focus_item (updated_at, voided);

CREATE TABLE document (
    id TEXT PRIMARY KEY,
    ledger_no TEXT,
    owner_office TEXT NOT NULL,
    status TEXT NOT NULL,
    sensitivity TEXT NOT NULL DEFAULT '一般',
    voided INTEGER NOT NULL DEFAULT 0,
    void_reason TEXT,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    _origin TEXT NOT NULL,
    _counter INTEGER NOT NULL,
    _hlc TEXT NOT NULL,
    _vv TEXT NOT NULL,
    doc_type TEXT,
    doc_no TEXT,
    prefix TEXT,
    year INTEGER,
    seq INTEGER,
    title TEXT,
    recipient TEXT,
    source_family TEXT,
    source_id TEXT,
    issued_date TEXT,
    pdf_sha256 TEXT
);
CREATE INDEX document_doc_type ON document (doc_type, voided);
CREATE INDEX document_issued_date ON document (issued_date, voided);
CREATE INDEX document_status ON document (status, voided);
CREATE INDEX document_updated_at ON document (updated_at, voided);

CREATE TABLE letter_template (
    id TEXT PRIMARY KEY,
    ledger_no TEXT,
    owner_office TEXT NOT NULL,
    status TEXT NOT NULL,
    sensitivity TEXT NOT NULL DEFAULT '一般',
    voided INTEGER NOT NULL DEFAULT 0,
    void_reason TEXT,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    _origin TEXT NOT NULL,
    _counter INTEGER NOT NULL,
    _hlc TEXT NOT NULL,
    _vv TEXT NOT NULL,
    doc_type TEXT,
    version TEXT,
    content TEXT,
    note TEXT
);
CREATE INDEX letter_template_created_at ON letter_template (created_at, voided);
CREATE INDEX letter_template_doc_type ON letter_template (doc_type, voided);
CREATE INDEX letter_template_status ON letter_template (status, voided);
CREATE INDEX letter_template_updated_at ON letter_template (updated_at, voided);

CREATE TABLE report_def (
    id TEXT PRIMARY KEY,
    ledger_no TEXT,
    owner_office TEXT NOT NULL,
    status TEXT NOT NULL,
    sensitivity TEXT NOT NULL DEFAULT '一般',
    voided INTEGER NOT NULL DEFAULT 0,
    void_reason TEXT,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    _origin TEXT NOT NULL,
    _counter INTEGER NOT NULL,
    _hlc TEXT NOT NULL,
    _vv TEXT NOT NULL,
    name TEXT,
    title TEXT,
    base TEXT,
    version TEXT,
    content TEXT,
    note TEXT
);
CREATE INDEX report_def_base ON report_def (base, voided);
CREATE INDEX report_def_created_at ON report_def (created_at, voided);
CREATE INDEX report_def_status ON report_def (status, voided);
CREATE INDEX report_def_updated_at ON report_def (updated_at, voided);

CREATE TABLE attachment (
    id TEXT PRIMARY KEY,
    ledger_no TEXT,
    owner_office TEXT NOT NULL,
    status TEXT NOT NULL,
    sensitivity TEXT NOT NULL DEFAULT '一般',
    voided INTEGER NOT NULL DEFAULT 0,
    void_reason TEXT,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    _origin TEXT NOT NULL,
    _counter INTEGER NOT NULL,
    _hlc TEXT NOT NULL,
    _vv TEXT NOT NULL,
    owner_family TEXT,
    owner_id TEXT,
    sha256 TEXT,
    filename TEXT,
    size INTEGER
);
CREATE INDEX attachment_created_at ON attachment (created_at, voided);
CREATE INDEX attachment_status ON attachment (status, voided);
CREATE INDEX attachment_updated_at ON attachment (updated_at, voided);
