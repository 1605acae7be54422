-- A NOTIFY in a transaction serialises its commit with every other
-- notifying commit, which throttled concurrent intake. New messages now
-- wake the relays from the application after commit (in process at once,
-- other processes through one debounced NOTIFY); the trigger for finished
-- messages stays, as handlers commit one at a time anyway.

-- +goose Up
DROP TRIGGER outbox_inserted ON outbox;

-- +goose Down
CREATE TRIGGER outbox_inserted AFTER INSERT ON outbox FOR EACH ROW EXECUTE FUNCTION notify_outbox();
