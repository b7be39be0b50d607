import type { Kysely } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations work on the schema as it was, not on today's types
export async function up(db: Kysely<any>): Promise<void> {
  // Rules are data: the current definition, and every version ever saved.
  await db.schema
    .createTable('warning_rules')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('definition', 'text', (c) => c.notNull())
    .addColumn('enabled', 'integer', (c) => c.notNull())
    .addColumn('status', 'varchar(16)', (c) => c.notNull()) // active | suspended | disabled
    .addColumn('suspended_reason', 'text')
    .addColumn('owner', 'varchar(64)', (c) => c.notNull())
    .addColumn('task', 'varchar(64)', (c) => c.notNull())
    .addColumn('created_by', 'varchar(64)')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('warning_rule_versions')
    .addColumn('rule_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('definition', 'text', (c) => c.notNull())
    .addColumn('enabled', 'integer', (c) => c.notNull())
    .addColumn('changed_by', 'varchar(64)')
    .addColumn('changed_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('warning_rule_versions_pk', ['rule_id', 'version'])
    .execute();
  // Evaluation is split into partitions of devices; each is held by one process at a time.
  await db.schema
    .createTable('warning_partitions')
    .addColumn('part', 'integer', (c) => c.primaryKey())
    .addColumn('owner', 'varchar(128)')
    .addColumn('lease_until', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('checkpoint_at', 'bigint')
    .execute();
  await db.schema
    .createTable('warning_workers')
    .addColumn('id', 'varchar(128)', (c) => c.primaryKey())
    .addColumn('seen_at', 'bigint', (c) => c.notNull())
    .execute();
  // Per rule and subject: the desired level and the conditions' state (durations, hysteresis).
  await db.schema
    .createTable('warning_state')
    .addColumn('rule_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('subject', 'varchar(128)', (c) => c.notNull())
    .addColumn('part', 'integer', (c) => c.notNull())
    .addColumn('level', 'integer')
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('tree', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('warning_state_pk', ['rule_id', 'subject'])
    .execute();
  await db.schema.createIndex('warning_state_part_idx').on('warning_state').column('part').execute();
  // k-of-n rules: which levels each member device currently meets.
  await db.schema
    .createTable('warning_members')
    .addColumn('rule_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('group_key', 'varchar(64)', (c) => c.notNull())
    .addColumn('device_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('mask', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('warning_members_pk', ['rule_id', 'group_key', 'device_id'])
    .execute();
  // Alerts. `open_key` (rule|subject) is set while the alert is open and unique, so there can
  // never be two open alerts for one rule and subject, whichever process raises them.
  await db.schema
    .createTable('alerts')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('rule_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('rule_version', 'integer', (c) => c.notNull())
    .addColumn('subject', 'varchar(128)', (c) => c.notNull())
    .addColumn('subject_kind', 'varchar(16)', (c) => c.notNull()) // device | group
    .addColumn('device_id', 'varchar(64)')
    .addColumn('part', 'integer', (c) => c.notNull())
    .addColumn('level', 'integer', (c) => c.notNull())
    .addColumn('predicted', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('status', 'varchar(16)', (c) => c.notNull()) // raised | acknowledged | resolved | closed
    .addColumn('title_zh', 'varchar(300)', (c) => c.notNull())
    .addColumn('title_en', 'varchar(300)', (c) => c.notNull())
    .addColumn('department_code', 'varchar(64)', (c) => c.notNull())
    .addColumn('task', 'varchar(64)', (c) => c.notNull())
    .addColumn('district_adcode', 'varchar(16)')
    .addColumn('lon', 'double precision')
    .addColumn('lat', 'double precision')
    .addColumn('recipients', 'text', (c) => c.notNull())
    .addColumn('evidence', 'text', (c) => c.notNull())
    .addColumn('simulated', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('raised_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('acknowledged_at', 'bigint')
    .addColumn('acknowledged_by', 'varchar(64)')
    .addColumn('resolved_at', 'bigint')
    .addColumn('resolved_by', 'varchar(64)')
    .addColumn('close_reason', 'text')
    .addColumn('open_key', 'varchar(200)', (c) => c.unique())
    .addColumn('reopen_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('flapping', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('clear_due', 'bigint')
    .addColumn('rev', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  await db.schema.createIndex('alerts_status_idx').on('alerts').columns(['status', 'raised_at']).execute();
  await db.schema.createIndex('alerts_rule_subject_idx').on('alerts').columns(['rule_id', 'subject', 'resolved_at']).execute();
  await db.schema.createIndex('alerts_part_idx').on('alerts').columns(['part', 'status']).execute();
  await db.schema
    .createTable('alert_recipients')
    .addColumn('alert_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('department_code', 'varchar(64)', (c) => c.notNull())
    .addColumn('role', 'varchar(16)', (c) => c.notNull()) // owner | lead | responsible | district | extra
    .addPrimaryKeyConstraint('alert_recipients_pk', ['alert_id', 'department_code'])
    .execute();
  await db.schema.createIndex('alert_recipients_dept_idx').on('alert_recipients').columns(['department_code', 'alert_id']).execute();
  await db.schema
    .createTable('alert_events')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('alert_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('actor_id', 'varchar(64)')
    .addColumn('actor_name', 'varchar(200)', (c) => c.notNull())
    .addColumn('action', 'varchar(32)', (c) => c.notNull())
    .addColumn('level', 'integer')
    .addColumn('comment', 'text')
    .addColumn('data', 'text')
    .execute();
  await db.schema.createIndex('alert_events_alert_idx').on('alert_events').columns(['alert_id', 'at']).execute();
  // Maintenance windows silence a device, a district or an area for a while.
  await db.schema
    .createTable('maintenance_windows')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('device_id', 'varchar(64)')
    .addColumn('district_adcode', 'varchar(16)')
    .addColumn('polygon', 'text')
    .addColumn('department_code', 'varchar(64)', (c) => c.notNull())
    .addColumn('starts_at', 'bigint', (c) => c.notNull())
    .addColumn('ends_at', 'bigint', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('created_by', 'varchar(64)')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('maintenance_windows_ends_idx').on('maintenance_windows').column('ends_at').execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  for (const t of [
    'maintenance_windows',
    'alert_events',
    'alert_recipients',
    'alerts',
    'warning_members',
    'warning_state',
    'warning_workers',
    'warning_partitions',
    'warning_rule_versions',
    'warning_rules',
  ])
    await db.schema.dropTable(t).ifExists().execute();
}
