-- Issue 19: the server secret can be rotated (portal-admin rotate-secret).
-- A stored token hash now starts with the id of the server key that made
-- it (one byte, portal/token.h): links, staff sessions, sign-in challenges,
-- unsubscribe links and recovery codes hashed before this change were made
-- with the only key there was, which the secret file calls key 1. Hashes
-- of 33 bytes already carry their id. Tables made by later migrations
-- (0012 on) are created with 33-byte hashes and need nothing here.
UPDATE links SET token_hash = '\x01'::bytea || token_hash
	WHERE length(token_hash) = 32;
UPDATE staff_sessions SET id_hash = '\x01'::bytea || id_hash
	WHERE length(id_hash) = 32;
UPDATE staff_login_challenges SET id_hash = '\x01'::bytea || id_hash
	WHERE length(id_hash) = 32;
UPDATE unsubscribe_links SET token_hash = '\x01'::bytea || token_hash
	WHERE length(token_hash) = 32;
ALTER TABLE staff_recovery_codes
	DROP CONSTRAINT staff_recovery_codes_code_hash_check;
UPDATE staff_recovery_codes SET code_hash = '\x01'::bytea || code_hash
	WHERE length(code_hash) = 32;
-- Every stored hash is a key id and 32 bytes from now on.
ALTER TABLE links ADD CONSTRAINT links_token_hash_keyed
	CHECK (length(token_hash) = 33);
ALTER TABLE staff_sessions ADD CONSTRAINT staff_sessions_id_hash_keyed
	CHECK (length(id_hash) = 33);
ALTER TABLE staff_login_challenges
	ADD CONSTRAINT staff_login_challenges_id_hash_keyed
	CHECK (length(id_hash) = 33);
ALTER TABLE unsubscribe_links ADD CONSTRAINT unsubscribe_links_token_hash_keyed
	CHECK (length(token_hash) = 33);
ALTER TABLE staff_recovery_codes ADD CONSTRAINT staff_recovery_codes_code_hash_keyed
	CHECK (octet_length(code_hash) = 33);
-- Sealed TOTP secrets (0009) name their key like sealed mail (seal.h):
-- "k<id>:", or "s1:" from before rotation.
ALTER TABLE staff_totp DROP CONSTRAINT staff_totp_secret_sealed_check;
ALTER TABLE staff_totp ADD CONSTRAINT staff_totp_secret_sealed_keyed
	CHECK (secret_sealed ~ '^(s1|k[1-9][0-9]{0,2}):');
