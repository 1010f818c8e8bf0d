-- Sign-in throttling counts an attempt before the password is checked (so
-- that concurrent attempts cannot all slip under the limit) and forgets it
-- when the password was right: each record carries the attempt it belongs to.
-- Records written before this migration have none and count as failures.
ALTER TABLE signin_failures ADD COLUMN attempt TEXT;
CREATE INDEX signin_failures_attempt ON signin_failures(attempt);
