-- +goose Up
-- The supervisors' board lists the tenant's active users that have a CTI
-- extension (name, extension, state). A change of a user's extension,
-- status or name changes the board: tell every replica's board streams
-- on channel agent_board (payload the tenant, delivered at commit), as
-- the call and agent-state changes do from the application.
-- +goose StatementBegin
CREATE FUNCTION notify_agent_board_user() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.cti_extension IS NOT NULL OR NEW.cti_extension IS NOT NULL THEN
        PERFORM pg_notify('agent_board', NEW.tenant_id::text);
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER users_agent_board AFTER UPDATE OF cti_extension, status, display_name, username ON users
    FOR EACH ROW
    WHEN (OLD.cti_extension IS DISTINCT FROM NEW.cti_extension OR OLD.status IS DISTINCT FROM NEW.status
          OR OLD.display_name IS DISTINCT FROM NEW.display_name OR OLD.username IS DISTINCT FROM NEW.username)
    EXECUTE FUNCTION notify_agent_board_user();

-- +goose Down
DROP TRIGGER users_agent_board ON users;
DROP FUNCTION notify_agent_board_user();
