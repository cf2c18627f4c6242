-- Every token carries the user's token_version; changing the password bumps it, so tokens issued
-- before the change (other browsers, a stolen token) stop working at once instead of at expiry.
ALTER TABLE users ADD COLUMN token_version integer NOT NULL DEFAULT 0;
