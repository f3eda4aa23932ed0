-- Relay schema, version 7: an egress proxy per account.
-- proxy: the proxy URL (scheme://[user:pass@]host:port) as AES-GCM ciphertext under the master key, like secret,
-- because the URL may carry credentials. NULL: the account connects directly.

ALTER TABLE accounts ADD COLUMN proxy BLOB;
