-- Relay schema, version 4: OpenAI and OpenAI-compatible accounts.
-- shapes: JSON array of the request shapes the account serves ('[]' = the platform default, see WireShapes).
-- azure_api_version: set for Azure OpenAI accounts (deployment URLs, api-key header).

ALTER TABLE accounts ADD COLUMN shapes TEXT NOT NULL DEFAULT '[]';
ALTER TABLE accounts ADD COLUMN azure_api_version TEXT;
