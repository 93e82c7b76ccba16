CREATE TABLE tokens (
    id          VARCHAR(40)  PRIMARY KEY,
    name        VARCHAR(63)  NOT NULL UNIQUE,
    secret_hash VARCHAR(64)  NOT NULL UNIQUE,
    created_at  TIMESTAMP    NOT NULL
);
