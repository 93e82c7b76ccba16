-- An ENV with a lease lives only while its client renews it: lease_expires_at moves on at each
-- renewal by lease_seconds. Tags (a JSON object) mark an ENV for its client, e.g. a runner's id.
ALTER TABLE envs ADD COLUMN lease_seconds INT;
ALTER TABLE envs ADD COLUMN lease_expires_at TIMESTAMP;
ALTER TABLE envs ADD COLUMN tags VARCHAR(2000);
