-- Warm pools: per image, how many VMs the backend keeps booted and waiting for an identity (at
-- least min_size, up to max_size as recent demand asks), and the warm VMs it holds on its hosts.
CREATE TABLE warm_pools (
    image     VARCHAR(200) PRIMARY KEY,
    min_size  INT          NOT NULL,
    max_size  INT          NOT NULL
);

CREATE TABLE warm_vms (
    name        VARCHAR(63)   PRIMARY KEY,
    host_vm_id  VARCHAR(40)   NOT NULL,
    host_id     VARCHAR(300)  NOT NULL,
    image       VARCHAR(200)  NOT NULL,
    cpu         INT           NOT NULL,
    mem_mib     INT           NOT NULL,
    disk_mib    INT           NOT NULL,
    created_at  TIMESTAMP     NOT NULL
);

CREATE INDEX warm_vms_image ON warm_vms (image);
