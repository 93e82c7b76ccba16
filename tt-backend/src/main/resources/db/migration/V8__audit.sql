-- Every change a caller asked for: who, what (method and path), when, from where, and the outcome.
CREATE TABLE audit (
    at       TIMESTAMP     NOT NULL,
    actor    VARCHAR(63)   NOT NULL,
    address  VARCHAR(64)   NOT NULL,
    method   VARCHAR(8)    NOT NULL,
    path     VARCHAR(400)  NOT NULL,
    status   INT           NOT NULL
);

CREATE INDEX audit_at ON audit (at);
