-- Issue 17: sign-in throttling that cannot be raced, per account and
-- address pair, and a second factor for staff (TOTP, RFC 6238).

-- Attempts, counted before a password or code is checked. One row per
-- counter, each a fixed window of login_window_minutes:
--   pair     one account (lower(email)) from one address: the lock people meet
--   code     second-factor codes typed for one account, from any address
--   address  every attempt from one address (guessing over many accounts)
--   account  every attempt on one account (guessing from many addresses)
-- Rows that do not apply to a kind hold '' (address of a code row...).
DROP TABLE login_failures;
CREATE TABLE login_throttle (
	kind		text NOT NULL CHECK (kind IN ('pair', 'code', 'address', 'account')),
	account		text NOT NULL,
	address		text NOT NULL,
	started_at	timestamptz NOT NULL DEFAULT now(),
	attempts	int NOT NULL DEFAULT 0 CHECK (attempts >= 0),
	PRIMARY KEY (kind, account, address)
);
CREATE INDEX login_throttle_started ON login_throttle (started_at);

-- login_attempt(kind 'pair' or 'code', email, address, window minutes,
-- limit of that kind, limit per address, limit per account): true when the
-- attempt may go ahead, and then it is counted in all three rows; false
-- when any of them is at its limit, and then nothing is counted (a locked
-- pair hammering on adds nothing to the address or account ceilings, so it
-- cannot lock the account for everyone). The three rows are locked by the
-- upserts in one fixed order (first kind, address, account) until the
-- statement's transaction ends, so parallel attempts on one account queue
-- here and each sees the ones before it: N parallel guesses against a limit
-- of 5 get exactly 5 checks.
CREATE FUNCTION login_attempt(p_kind text, p_email text, p_address text,
	p_window int, p_limit int, p_address_limit int, p_account_limit int)
RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE
	acct	text := lower(p_email);
	first_addr	text := CASE WHEN p_kind = 'pair' THEN p_address ELSE '' END;
	since	timestamptz := now() - make_interval(mins => p_window);
	n_first	int;
	n_addr	int;
	n_acct	int;
BEGIN
	IF p_kind NOT IN ('pair', 'code') THEN
		RAISE EXCEPTION 'login_attempt: kind % is not pair or code', p_kind;
	END IF;
	INSERT INTO login_throttle AS t (kind, account, address)
	VALUES (p_kind, acct, first_addr)
	ON CONFLICT (kind, account, address) DO UPDATE SET
		started_at = CASE WHEN t.started_at <= since THEN now() ELSE t.started_at END,
		attempts = CASE WHEN t.started_at <= since THEN 0 ELSE t.attempts END
	RETURNING attempts INTO n_first;
	INSERT INTO login_throttle AS t (kind, account, address)
	VALUES ('address', '', p_address)
	ON CONFLICT (kind, account, address) DO UPDATE SET
		started_at = CASE WHEN t.started_at <= since THEN now() ELSE t.started_at END,
		attempts = CASE WHEN t.started_at <= since THEN 0 ELSE t.attempts END
	RETURNING attempts INTO n_addr;
	INSERT INTO login_throttle AS t (kind, account, address)
	VALUES ('account', acct, '')
	ON CONFLICT (kind, account, address) DO UPDATE SET
		started_at = CASE WHEN t.started_at <= since THEN now() ELSE t.started_at END,
		attempts = CASE WHEN t.started_at <= since THEN 0 ELSE t.attempts END
	RETURNING attempts INTO n_acct;
	IF n_first >= p_limit OR n_addr >= p_address_limit OR
	    n_acct >= p_account_limit THEN
		RETURN false;
	END IF;
	UPDATE login_throttle SET attempts = attempts + 1
	WHERE (kind, account, address) IN ((p_kind, acct, first_addr),
	    ('address', '', p_address), ('account', acct, ''));
	RETURN true;
END $$;

-- A staff user's TOTP secret, sealed with a key derived from the server
-- secret (never plain), and the last time step a code was accepted for:
-- a code is accepted only for a later step, so none works twice.
CREATE TABLE staff_totp (
	staff_id	bigint PRIMARY KEY REFERENCES staff_users,
	secret_sealed	text NOT NULL CHECK (secret_sealed LIKE 's1:%'),
	last_step	bigint NOT NULL DEFAULT -1,
	enrolled_at	timestamptz NOT NULL DEFAULT now()
);

-- Recovery codes, as keyed BLAKE2b hashes only; each works once.
CREATE TABLE staff_recovery_codes (
	staff_id	bigint NOT NULL REFERENCES staff_users,
	code_hash	bytea NOT NULL CHECK (octet_length(code_hash) = 32),
	used_at		timestamptz,
	PRIMARY KEY (staff_id, code_hash)
);

-- A password that was right, waiting for the second factor: a keyed hash
-- of the random id in the sign-in cookie, short-lived.
CREATE TABLE staff_login_challenges (
	id_hash		bytea PRIMARY KEY,
	staff_id	bigint NOT NULL REFERENCES staff_users,
	created_at	timestamptz NOT NULL DEFAULT now(),
	expires_at	timestamptz NOT NULL,
	client_addr	text NOT NULL DEFAULT ''
);
CREATE INDEX staff_login_challenges_expires ON staff_login_challenges (expires_at);

GRANT SELECT, INSERT, UPDATE (started_at, attempts), DELETE ON login_throttle TO settle_web;
GRANT SELECT, UPDATE (last_step) ON staff_totp TO settle_web;
GRANT SELECT, UPDATE (used_at) ON staff_recovery_codes TO settle_web;
GRANT SELECT, INSERT, DELETE ON staff_login_challenges TO settle_web;
