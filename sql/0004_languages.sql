-- Issue 12: every page and email in the debtor's language.
-- Each customer's time zone (an IANA name such as Europe/Madrid; '' means
-- the configured default), for callback windows and times shown to them.
ALTER TABLE customers ADD COLUMN IF NOT EXISTS timezone text NOT NULL DEFAULT '';
-- A debtor may ask the portal to remember the language of their pages
-- (POST /i/{token}/language); the web role changes that column only.
GRANT UPDATE (language) ON customers TO settle_web;
