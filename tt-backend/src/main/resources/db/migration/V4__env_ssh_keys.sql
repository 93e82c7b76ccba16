-- The SHA-256 fingerprints of the SSH keys an ENV was made with (comma-separated), so that a client
-- can tell a user whose key the ENV's VMs do not hold why the login fails.
ALTER TABLE envs ADD COLUMN ssh_keys VARCHAR(2400);
