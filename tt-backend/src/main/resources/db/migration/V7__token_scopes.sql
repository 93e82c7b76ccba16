-- What a user's token may do (FULL, READ_ONLY, ENVS), how much it may hold (VMs, memory over all
-- its ENVs, lifetime per ENV; NULL: no limit), and until when it works (NULL: until revoked).
ALTER TABLE tokens ADD COLUMN scope VARCHAR(16) DEFAULT 'FULL' NOT NULL;
ALTER TABLE tokens ADD COLUMN max_vms INT;
ALTER TABLE tokens ADD COLUMN max_mem_mib INT;
ALTER TABLE tokens ADD COLUMN max_lifetime_min INT;
ALTER TABLE tokens ADD COLUMN expires_at TIMESTAMP;
