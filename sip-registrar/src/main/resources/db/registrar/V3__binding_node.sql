-- The node holding a binding's flow (issue 15): nodes sharing one PostgreSQL database each load, write
-- and delete their own rows only, so one node's expiry never deletes a binding another node refreshed.
-- Null for a hub alone, and for rows written before this column.
ALTER TABLE sip_binding ADD COLUMN node VARCHAR(63);
