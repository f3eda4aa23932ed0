-- Relay schema, version 8: token (OAuth) accounts.
-- oauth_provider: the id of the configured OAuth provider (Relay:OAuthProviders:{id}) that issued the tokens.
-- oauth_tokens: the token set (access token, refresh token, expiry, …) as JSON, AES-GCM ciphertext under the master
-- key like secret. Both NULL for api-key accounts; secret is an empty blob for oauth accounts.

ALTER TABLE accounts ADD COLUMN oauth_provider TEXT;
ALTER TABLE accounts ADD COLUMN oauth_tokens BLOB;
