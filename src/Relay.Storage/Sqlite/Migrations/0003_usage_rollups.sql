-- Usage rollups: per-hour sums maintained in the same transaction as every usage append, so usage
-- reads and limit seeding stay fast at millions of events. Whole hours are read from here; only the
-- partial hours at the edges of a range are read from usage_events.

-- The account group the request drew from; NULL when it used the shared pool.
ALTER TABLE usage_events ADD COLUMN group_id TEXT;

-- Reads by account now go to the rollup; the raw table is read by time only (and by key for an event log).
DROP INDEX ix_usage_events_account_ts;

-- One row per (UTC hour, key, account, model, group) with usage. Dimensions hold '' rather than NULL
-- (no account tried, model unknown, shared pool) so they can be part of the primary key and the upsert
-- target. model is the upstream model, else the requested one.
CREATE TABLE usage_hourly (
    hour_start            INTEGER NOT NULL,     -- unix ms of the UTC hour's start
    key_id                TEXT    NOT NULL,
    account_id            TEXT    NOT NULL,
    model                 TEXT    NOT NULL,
    group_id              TEXT    NOT NULL,
    requests              INTEGER NOT NULL,
    errors                INTEGER NOT NULL,     -- requests that ended with status >= 400
    input_tokens          INTEGER NOT NULL,
    output_tokens         INTEGER NOT NULL,
    cache_write_5m_tokens INTEGER NOT NULL,
    cache_write_1h_tokens INTEGER NOT NULL,
    cache_read_tokens     INTEGER NOT NULL,
    cost_nano_usd         INTEGER NOT NULL,
    PRIMARY KEY (hour_start, key_id, account_id, model, group_id)
) STRICT, WITHOUT ROWID;

-- Sums for one key, account or group over long ranges (limit counters, GET /api/me) without a full scan.
CREATE INDEX ix_usage_hourly_key ON usage_hourly (key_id, hour_start);
CREATE INDEX ix_usage_hourly_account ON usage_hourly (account_id, hour_start);
CREATE INDEX ix_usage_hourly_group ON usage_hourly (group_id, hour_start);

-- Backfill from the events written before this migration (floor to the hour, also for negative ts).
INSERT INTO usage_hourly (hour_start, key_id, account_id, model, group_id, requests, errors,
    input_tokens, output_tokens, cache_write_5m_tokens, cache_write_1h_tokens, cache_read_tokens, cost_nano_usd)
SELECT ts - (((ts % 3600000) + 3600000) % 3600000) AS hour,
       key_id,
       COALESCE(account_id, '') AS account,
       COALESCE(upstream_model, requested_model, '') AS model_name,
       COALESCE(group_id, '') AS grp,
       COUNT(*),
       SUM(status >= 400),
       SUM(input_tokens),
       SUM(output_tokens),
       SUM(cache_write_5m_tokens),
       SUM(cache_write_1h_tokens),
       SUM(cache_read_tokens),
       SUM(cost_nano_usd)
FROM usage_events
GROUP BY hour, key_id, account, model_name, grp;
