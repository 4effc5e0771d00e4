-- Issue 19: the server secret can be rotated (portal-admin rotate-secret).
-- A stored token hash now starts with the id of the server key that made
-- it (one byte, portal/token.h): links and staff sessions hashed before
-- this change were made with the only key there was, which the secret file
-- calls key 1. Hashes of 33 bytes already carry their id.
UPDATE links SET token_hash = '\x01'::bytea || token_hash
	WHERE length(token_hash) = 32;
UPDATE staff_sessions SET id_hash = '\x01'::bytea || id_hash
	WHERE length(id_hash) = 32;
-- Every stored hash is a key id and 32 bytes from now on.
ALTER TABLE links ADD CONSTRAINT links_token_hash_keyed
	CHECK (length(token_hash) = 33);
ALTER TABLE staff_sessions ADD CONSTRAINT staff_sessions_id_hash_keyed
	CHECK (length(id_hash) = 33);
