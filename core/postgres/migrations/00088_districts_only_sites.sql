-- A site may cover a list of districts (site_districts) instead of a
-- radius or a polygon: the CHECK of 00002 that required one of them goes.
-- A site must still cover somewhere: a site with neither radius nor polygon
-- needs at least one site_districts row when its transaction commits
-- (deferred constraint triggers, so that a site and its districts are
-- written in either order). The use cases (core/network) refuse such a
-- site first with a 422 naming area.radius_km or items; this is the
-- database's own guard.

-- +goose Up
ALTER TABLE sites DROP CONSTRAINT sites_check;
ALTER TABLE sites ADD CONSTRAINT sites_one_area CHECK (radius_km IS NULL OR polygon IS NULL) NOT VALID;

-- +goose StatementBegin
CREATE FUNCTION site_covers_somewhere() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    tenant uuid;
    site uuid;
BEGIN
    IF TG_TABLE_NAME = 'sites' THEN
        tenant := NEW.tenant_id; site := NEW.id;
    ELSE
        tenant := OLD.tenant_id; site := OLD.site_id;
    END IF;
    IF EXISTS (SELECT 1 FROM sites s WHERE s.tenant_id = tenant AND s.id = site
                   AND s.radius_km IS NULL AND s.polygon IS NULL)
       AND NOT EXISTS (SELECT 1 FROM site_districts d WHERE d.tenant_id = tenant AND d.site_id = site) THEN
        RAISE EXCEPTION 'site % has no radius, no polygon and no districts: it covers nowhere', site
            USING ERRCODE = 'check_violation', CONSTRAINT = 'site_covers_somewhere';
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd
CREATE CONSTRAINT TRIGGER site_covers_somewhere AFTER INSERT OR UPDATE OF radius_km, polygon ON sites
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
    WHEN (NEW.radius_km IS NULL AND NEW.polygon IS NULL) EXECUTE FUNCTION site_covers_somewhere();
CREATE CONSTRAINT TRIGGER site_covers_somewhere AFTER DELETE ON site_districts
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION site_covers_somewhere();

-- +goose Down
DROP TRIGGER site_covers_somewhere ON site_districts;
DROP TRIGGER site_covers_somewhere ON sites;
DROP FUNCTION site_covers_somewhere();
ALTER TABLE sites DROP CONSTRAINT sites_one_area;
ALTER TABLE sites ADD CONSTRAINT sites_check CHECK (radius_km IS NOT NULL OR polygon IS NOT NULL);
