-- Relay schema, version 1. Times are unix milliseconds (UTC). Money is exact: prices are decimal
-- text in invariant culture, usage cost is integer nano-USD (1e-9 USD).

CREATE TABLE accounts (
    id              TEXT    NOT NULL PRIMARY KEY,
    name            TEXT    NOT NULL,
    platform        TEXT    NOT NULL,
    type            TEXT    NOT NULL,
    base_url        TEXT    NOT NULL,
    secret          BLOB    NOT NULL,           -- SecretProtector blob, never plaintext
    priority        INTEGER NOT NULL,
    weight          INTEGER NOT NULL,
    max_concurrency INTEGER NOT NULL,
    models          TEXT    NOT NULL,           -- JSON array of glob patterns
    model_map       TEXT    NOT NULL,           -- JSON object requested -> upstream
    enabled         INTEGER NOT NULL,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
) STRICT;

CREATE TABLE relay_keys (
    id          TEXT    NOT NULL PRIMARY KEY,
    name        TEXT    NOT NULL,
    hash        TEXT    NOT NULL UNIQUE,        -- lower-case hex SHA-256 of the key
    prefix      TEXT    NOT NULL,
    enabled     INTEGER NOT NULL,
    expires_at  INTEGER,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
) STRICT;

CREATE TABLE price_overrides (
    model          TEXT NOT NULL PRIMARY KEY,
    input          TEXT NOT NULL,               -- USD per million tokens, decimal text
    output         TEXT NOT NULL,
    cache_write_5m TEXT NOT NULL,
    cache_write_1h TEXT NOT NULL,
    cache_read     TEXT NOT NULL
) STRICT;

CREATE TABLE settings (
    name  TEXT NOT NULL PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

-- One row; bumped in the same transaction as every configuration mutation so other processes notice.
CREATE TABLE config_version (
    id      INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    version INTEGER NOT NULL
) STRICT;

INSERT INTO config_version (id, version) VALUES (1, 0);

-- No foreign keys: usage outlives the accounts and keys it refers to.
CREATE TABLE usage_events (
    id                    INTEGER PRIMARY KEY AUTOINCREMENT,
    ts                    INTEGER NOT NULL,
    key_id                TEXT    NOT NULL,
    account_id            TEXT,
    platform              TEXT    NOT NULL,
    requested_model       TEXT,
    upstream_model        TEXT,
    input_tokens          INTEGER NOT NULL,
    output_tokens         INTEGER NOT NULL,
    cache_write_5m_tokens INTEGER NOT NULL,
    cache_write_1h_tokens INTEGER NOT NULL,
    cache_read_tokens     INTEGER NOT NULL,
    cost_nano_usd         INTEGER NOT NULL,
    status                INTEGER NOT NULL,
    error_class           TEXT,
    latency_ms            INTEGER NOT NULL,
    first_byte_ms         INTEGER,
    stream                INTEGER NOT NULL,
    attempts              INTEGER NOT NULL
) STRICT;

CREATE INDEX ix_usage_events_ts ON usage_events (ts);
CREATE INDEX ix_usage_events_key_ts ON usage_events (key_id, ts);
CREATE INDEX ix_usage_events_account_ts ON usage_events (account_id, ts);
