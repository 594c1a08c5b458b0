-- Failed sign-ins counted per account (or for all unknown names together) per hour, so that
-- a flood of failures writes a bounded number of audit entries: one at the 1st, 2nd, 4th,
-- 8th… failure of each account in each hour, carrying the count. Old hours are pruned.
CREATE TABLE IF NOT EXISTS sign_in_failures (
    account TEXT NOT NULL,
    hour TEXT NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY (account, hour)
) WITHOUT ROWID;
