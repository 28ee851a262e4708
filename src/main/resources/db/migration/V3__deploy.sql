-- deploy: one lock per service and environment, held by a run while it deploys or rolls back.
-- The primary key makes a second holder's insert fail, also across processes and nodes; pid, its start time
-- and node let a later process see that the holder died and take the lock over.
CREATE TABLE deploy_locks (
    service       VARCHAR(200) NOT NULL,
    environment   VARCHAR(200) NOT NULL,
    owner         VARCHAR(100) NOT NULL,
    run_id        BIGINT,
    step_id       VARCHAR(200),
    node          VARCHAR(200) NOT NULL,
    pid           BIGINT NOT NULL,
    pid_started   BIGINT,
    acquired_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (service, environment)
);
