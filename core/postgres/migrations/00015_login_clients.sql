-- Failed logins are counted per username and client (the caller's
-- address), per client over every username (username '') and per username
-- over every unfamiliar client (client ''); succeeded_at marks a client
-- from which the username logged in (a familiar one, which only its own
-- failures hold back). Existing counters become usernames' counters.

-- +goose Up
ALTER TABLE login_attempts ADD COLUMN client text NOT NULL DEFAULT '',
    ADD COLUMN succeeded_at timestamptz;
ALTER TABLE login_attempts DROP CONSTRAINT login_attempts_pkey,
    ADD PRIMARY KEY (tenant_id, username, client);

-- +goose Down
DELETE FROM login_attempts WHERE client <> '' OR username = '';
ALTER TABLE login_attempts DROP CONSTRAINT login_attempts_pkey,
    ADD PRIMARY KEY (tenant_id, username);
ALTER TABLE login_attempts DROP COLUMN succeeded_at, DROP COLUMN client;
