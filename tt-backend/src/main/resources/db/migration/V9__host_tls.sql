-- How the backend reaches each host: over HTTPS pinned by the host's certificate fingerprint (known
-- once the host is joined), or over plain HTTP for a host started with --insecure-http. Hosts known
-- from before are joined anew (at once if they run on the backend's machine).
ALTER TABLE hosts ADD COLUMN scheme VARCHAR(5) DEFAULT 'https' NOT NULL;
ALTER TABLE hosts ADD COLUMN fingerprint VARCHAR(60);
