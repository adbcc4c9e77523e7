-- Identical searches of one second (the same answer, served again from the cache) are one row:
-- `count` says how many searches the row stands for. Count searches with SUM(count).
ALTER TABLE searches ADD COLUMN count BIGINT NOT NULL DEFAULT 1;
