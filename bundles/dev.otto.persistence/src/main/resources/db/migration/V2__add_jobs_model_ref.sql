-- A job's own model, provider/model; NULL (every existing row) uses the flow default and then
-- the OpenCode global default.
ALTER TABLE jobs ADD COLUMN model_ref TEXT;
