-- Relay schema, version 6: request and response bodies of usage events, stored only while the live setting
-- logContent is on. request/response: AES-256-GCM blobs under the master key (SecretProtector layout), never
-- plaintext; each holds at most contentMaxBytes of its body. *_bytes: the whole body's length; *_truncated: 1 when
-- the blob holds only the first bytes. Rows are deleted by the retention job (contentRetentionDays) or all at once
-- through DELETE /api/usage/content; the event itself stays.

CREATE TABLE usage_content (
    event_id           INTEGER NOT NULL PRIMARY KEY REFERENCES usage_events (id) ON DELETE CASCADE,
    request            BLOB    NOT NULL,
    response           BLOB    NOT NULL,
    request_bytes      INTEGER NOT NULL,
    response_bytes     INTEGER NOT NULL,
    request_truncated  INTEGER NOT NULL,
    response_truncated INTEGER NOT NULL
) STRICT;
