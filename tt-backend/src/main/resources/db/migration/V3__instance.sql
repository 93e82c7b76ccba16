-- Who this ENV service is: its VMs on hosts carry this id, so that it deletes only its own orphans
-- when several ENV services (a backend, a host's own) share a host.
CREATE TABLE instance (
    id VARCHAR(40) PRIMARY KEY
);
