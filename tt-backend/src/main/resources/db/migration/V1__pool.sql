CREATE TABLE hosts (
    id        VARCHAR(300) PRIMARY KEY,
    address   VARCHAR(255) NOT NULL,
    port      INT          NOT NULL,
    added_at  TIMESTAMP    NOT NULL
);

CREATE TABLE envs (
    id          VARCHAR(40)  PRIMARY KEY,
    name        VARCHAR(63)  NOT NULL UNIQUE,
    owner       VARCHAR(63)  NOT NULL,
    created_at  TIMESTAMP    NOT NULL,
    expires_at  TIMESTAMP    NOT NULL
);

CREATE TABLE vms (
    env_id      VARCHAR(40)   NOT NULL REFERENCES envs (id) ON DELETE CASCADE,
    name        VARCHAR(63)   NOT NULL,
    image       VARCHAR(200)  NOT NULL,
    host_id     VARCHAR(300)  NOT NULL,
    host_vm_id  VARCHAR(40),
    cpu         INT           NOT NULL,
    mem_mib     INT           NOT NULL,
    disk_mib    INT           NOT NULL,
    state       VARCHAR(16)   NOT NULL,
    address     VARCHAR(255),
    ports       VARCHAR(400),
    error       VARCHAR(2000),
    PRIMARY KEY (env_id, name)
);

CREATE INDEX vms_host ON vms (host_id);
