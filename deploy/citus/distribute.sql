-- The schema distributed by tenant_id on Citus (deploy/README.md). Generated from
-- the migrated schema by TestCitusDistribution (core/postgres/citus_test.go): rerun
-- it with CITUS_UPDATE=1 after a migration adds a table. Run it once, on the
-- coordinator, after `aftersales migrate` and before any tenant data exists.

-- Triggers on distributed tables (need citus.enable_unsafe_triggers; each writes
-- rows of its own tenant only, except where deploy/README.md says otherwise):
-- audit_events, authz_rules, callback_tasks, calls, claims, complaints, outbox, part_requests, parts, plugin_bindings, regions, site_districts, site_sla_misses, sites, sms_settings, stock_reservations, tenant_settings, units, users, work_orders

-- Platform and reference data: one copy on every node.
SELECT create_reference_table('goose_db_version');
SELECT create_reference_table('periodic_runs');
SELECT create_reference_table('platform_admins');
SELECT create_reference_table('platform_idempotency_keys');
SELECT create_reference_table('platform_role_permissions');
SELECT create_reference_table('platform_tokens');
SELECT create_reference_table('plugins');
SELECT create_reference_table('tenants');

-- Tenant data: sharded by tenant_id, co-located, each after what it references.
SELECT create_distributed_table('agent_groups', 'tenant_id');
SELECT create_distributed_table('users', 'tenant_id');
SELECT create_distributed_table('agent_group_members', 'tenant_id');
SELECT create_distributed_table('agent_states', 'tenant_id');
SELECT create_distributed_table('agent_syncs', 'tenant_id');
SELECT create_distributed_table('api_keys', 'tenant_id');
SELECT create_distributed_table('attachments', 'tenant_id');
SELECT create_distributed_table('audit_events', 'tenant_id');
SELECT create_distributed_table('authz_rules', 'tenant_id');
SELECT create_distributed_table('customers', 'tenant_id');
SELECT create_distributed_table('calls', 'tenant_id');
SELECT create_distributed_table('call_links', 'tenant_id');
SELECT create_distributed_table('callback_rules', 'tenant_id');
SELECT create_distributed_table('callback_evaluations', 'tenant_id');
SELECT create_distributed_table('callback_settings', 'tenant_id');
SELECT create_distributed_table('regions', 'tenant_id');
SELECT create_distributed_table('sites', 'tenant_id');
SELECT create_distributed_table('service_types', 'tenant_id');
SELECT create_distributed_table('technicians', 'tenant_id');
SELECT create_distributed_table('product_lines', 'tenant_id');
SELECT create_distributed_table('product_models', 'tenant_id');
SELECT create_distributed_table('units', 'tenant_id');
SELECT create_distributed_table('work_orders', 'tenant_id');
SELECT create_distributed_table('claims', 'tenant_id');
SELECT create_distributed_table('callback_tasks', 'tenant_id');
SELECT create_distributed_table('claim_events', 'tenant_id');
SELECT create_distributed_table('claim_settings', 'tenant_id');
SELECT create_distributed_table('claim_statements', 'tenant_id');
SELECT create_distributed_table('complaint_counters', 'tenant_id');
SELECT create_distributed_table('complaints', 'tenant_id');
SELECT create_distributed_table('complaint_events', 'tenant_id');
SELECT create_distributed_table('complaint_settings', 'tenant_id');
SELECT create_distributed_table('customer_addresses', 'tenant_id');
SELECT create_distributed_table('customer_phones', 'tenant_id');
SELECT create_distributed_table('erp_stock_moves', 'tenant_id');
SELECT create_distributed_table('fault_codes', 'tenant_id');
SELECT create_distributed_table('fee_schedules', 'tenant_id');
SELECT create_distributed_table('idempotency_keys', 'tenant_id');
SELECT create_distributed_table('kb_categories', 'tenant_id');
SELECT create_distributed_table('kb_articles', 'tenant_id');
SELECT create_distributed_table('kb_comments', 'tenant_id');
SELECT create_distributed_table('kb_synonyms', 'tenant_id');
SELECT create_distributed_table('kb_terms', 'tenant_id');
SELECT create_distributed_table('kb_versions', 'tenant_id');
SELECT create_distributed_table('login_attempts', 'tenant_id');
SELECT create_distributed_table('outbox', 'tenant_id');
SELECT create_distributed_table('outbox_effects', 'tenant_id');
SELECT create_distributed_table('parts', 'tenant_id');
SELECT create_distributed_table('part_abc_classes', 'tenant_id');
SELECT create_distributed_table('warehouses', 'tenant_id');
SELECT create_distributed_table('stock_documents', 'tenant_id');
SELECT create_distributed_table('part_requests', 'tenant_id');
SELECT create_distributed_table('plugin_bindings', 'tenant_id');
SELECT create_distributed_table('questionnaires', 'tenant_id');
SELECT create_distributed_table('report_daily', 'tenant_id');
SELECT create_distributed_table('report_daily_by_attr', 'tenant_id');
SELECT create_distributed_table('report_daily_by_line', 'tenant_id');
SELECT create_distributed_table('report_daily_by_site', 'tenant_id');
SELECT create_distributed_table('report_daily_by_tech', 'tenant_id');
SELECT create_distributed_table('report_dirty', 'tenant_id');
SELECT create_distributed_table('report_facts', 'tenant_id');
SELECT create_distributed_table('report_schedules', 'tenant_id');
SELECT create_distributed_table('report_touched', 'tenant_id');
SELECT create_distributed_table('roles', 'tenant_id');
SELECT create_distributed_table('sessions', 'tenant_id');
SELECT create_distributed_table('site_daily_load', 'tenant_id');
SELECT create_distributed_table('site_districts', 'tenant_id');
SELECT create_distributed_table('site_reputations', 'tenant_id');
SELECT create_distributed_table('site_sla_misses', 'tenant_id');
SELECT create_distributed_table('sms_messages', 'tenant_id');
SELECT create_distributed_table('sms_settings', 'tenant_id');
SELECT create_distributed_table('stock_balances', 'tenant_id');
SELECT create_distributed_table('stock_campaign_plans', 'tenant_id');
SELECT create_distributed_table('stock_movements', 'tenant_id');
SELECT create_distributed_table('stock_planning_settings', 'tenant_id');
SELECT create_distributed_table('stock_reservations', 'tenant_id');
SELECT create_distributed_table('stocktakes', 'tenant_id');
SELECT create_distributed_table('stocktake_lines', 'tenant_id');
SELECT create_distributed_table('tenant_settings', 'tenant_id');
SELECT create_distributed_table('warranty_policies', 'tenant_id');
SELECT create_distributed_table('webhook_endpoints', 'tenant_id');
SELECT create_distributed_table('webhook_deliveries', 'tenant_id');
SELECT create_distributed_table('webhook_attempts', 'tenant_id');
SELECT create_distributed_table('work_order_charges', 'tenant_id');
SELECT create_distributed_table('work_order_counters', 'tenant_id');
SELECT create_distributed_table('work_order_events', 'tenant_id');
