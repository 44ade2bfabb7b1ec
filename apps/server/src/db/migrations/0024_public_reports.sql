-- Residents' public reports (居民随手拍, issue 10): a resident without an account adds photos to the case
-- they have just filed. Their uploads have no account behind them, so `uploaded_by` is empty for them
-- (like `case_events.actor_id` for the report itself); a retried upload is still one photo: guests' client
-- keys are unique among guests' uploads, as an account's are among its own.
ALTER TABLE attachments ALTER COLUMN uploaded_by DROP NOT NULL;
CREATE UNIQUE INDEX attachments_guest_client_key_idx ON attachments (client_key) WHERE uploaded_by IS NULL;
