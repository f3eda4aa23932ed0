-- Relay schema, version 2: groups, shared policies, and the policy, limit and expiry fields of keys and accounts.
-- Policies and limits are stored as JSON in the Control API's own shape (see LimitRuleSpec, KeyPolicySpec).

CREATE TABLE groups (
    id          TEXT    NOT NULL PRIMARY KEY,
    name        TEXT    NOT NULL COLLATE NOCASE UNIQUE,
    description TEXT,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
) STRICT;

-- Membership lives on its own so an account can be in several groups.
CREATE TABLE account_groups (
    account_id TEXT NOT NULL,
    group_id   TEXT NOT NULL,
    PRIMARY KEY (account_id, group_id)
) STRICT, WITHOUT ROWID;

CREATE INDEX ix_account_groups_group ON account_groups (group_id);

CREATE TABLE policies (
    id          TEXT    NOT NULL PRIMARY KEY,
    name        TEXT    NOT NULL COLLATE NOCASE UNIQUE,
    description TEXT,
    policy      TEXT    NOT NULL,               -- JSON KeyPolicySpec
    limits      TEXT    NOT NULL,               -- JSON array of LimitRuleSpec
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
) STRICT;

ALTER TABLE relay_keys ADD COLUMN policy_id TEXT;
ALTER TABLE relay_keys ADD COLUMN policy TEXT;                          -- JSON KeyPolicySpec, NULL = none inline
ALTER TABLE relay_keys ADD COLUMN limits TEXT NOT NULL DEFAULT '[]';
ALTER TABLE relay_keys ADD COLUMN expires_after_first_use_ms INTEGER;
ALTER TABLE relay_keys ADD COLUMN first_used_at INTEGER;

ALTER TABLE accounts ADD COLUMN shared INTEGER NOT NULL DEFAULT 1;
ALTER TABLE accounts ADD COLUMN limits TEXT NOT NULL DEFAULT '[]';
