-- Relay schema, version 5: admin users (sign-in for the Control API) and their sessions.
-- password_hash: 'pbkdf2-sha256$<iterations>$<salt b64>$<hash b64>' (see PasswordHasher).
-- admin_sessions.token_hash: hex SHA-256 of the session cookie's token; the token itself is never stored.

CREATE TABLE admin_users (
    id              TEXT    NOT NULL PRIMARY KEY,
    username        TEXT    NOT NULL COLLATE NOCASE UNIQUE,
    password_hash   TEXT    NOT NULL,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    last_sign_in_at INTEGER
);

CREATE TABLE admin_sessions (
    token_hash   TEXT    NOT NULL PRIMARY KEY,
    user_id      TEXT    NOT NULL REFERENCES admin_users (id) ON DELETE CASCADE,
    created_at   INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL
);

CREATE INDEX admin_sessions_user ON admin_sessions (user_id);
