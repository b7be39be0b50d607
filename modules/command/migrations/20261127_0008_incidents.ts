import type { Kysely } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations work on the schema as it was, not on today's types
export async function up(db: Kysely<any>): Promise<void> {
  // Incidents (突发事件) and the response to them; `rev` for optimistic concurrency.
  await db.schema
    .createTable('em_incidents')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('title', 'varchar(500)', (c) => c.notNull())
    .addColumn('kind', 'varchar(32)', (c) => c.notNull())
    .addColumn('subkind', 'varchar(40)', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('severity', 'integer', (c) => c.notNull()) // 1 Ⅰ … 4 Ⅳ, as first assessed
    .addColumn('status', 'varchar(16)', (c) => c.notNull()) // open | responding | ended
    .addColumn('level', 'integer') // the response level while responding
    .addColumn('plan_id', 'varchar(64)')
    .addColumn('plan_version', 'integer')
    .addColumn('drill', 'integer', (c) => c.notNull())
    .addColumn('source', 'varchar(16)', (c) => c.notNull()) // alert | phone | report | api
    .addColumn('district_adcode', 'varchar(12)')
    .addColumn('lon', 'double precision')
    .addColumn('lat', 'double precision')
    .addColumn('created_by', 'varchar(64)')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('activated_at', 'bigint')
    .addColumn('ended_at', 'bigint')
    .addColumn('end_reason', 'text')
    .addColumn('rev', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('em_incidents_status_idx').on('em_incidents').columns(['status', 'created_at']).execute();
  await db.schema
    .createTable('em_incident_alerts')
    .addColumn('incident_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('alert_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('linked_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('em_incident_alerts_pk', ['incident_id', 'alert_id'])
    .execute();
  await db.schema.createIndex('em_incident_alerts_alert_idx').on('em_incident_alerts').column('alert_id').execute();
  // The shared timeline: every report, decision and action, with who and when.
  await db.schema
    .createTable('em_incident_events')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('incident_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('actor_id', 'varchar(64)')
    .addColumn('actor_name', 'varchar(200)')
    .addColumn('unit', 'varchar(64)')
    .addColumn('kind', 'varchar(32)', (c) => c.notNull())
    .addColumn('text', 'text')
    .addColumn('data', 'text')
    .execute();
  await db.schema.createIndex('em_incident_events_incident_idx').on('em_incident_events').columns(['incident_id', 'at']).execute();
  // Each unit's task: its state, deadlines and escalation live in the workflow kernel (emergency.task).
  await db.schema
    .createTable('em_tasks')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey()) // the workflow instance id
    .addColumn('incident_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('unit', 'varchar(64)', (c) => c.notNull())
    .addColumn('task_key', 'varchar(40)', (c) => c.notNull())
    .addColumn('title_zh', 'varchar(500)', (c) => c.notNull())
    .addColumn('title_en', 'varchar(500)', (c) => c.notNull())
    .addColumn('level', 'integer', (c) => c.notNull())
    .addColumn('accept_by', 'bigint', (c) => c.notNull())
    .addColumn('due_at', 'bigint', (c) => c.notNull())
    .addColumn('report_every_ms', 'bigint', (c) => c.notNull())
    .addColumn('last_report_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('em_tasks_incident_idx').on('em_tasks').column('incident_id').execute();
  await db.schema
    .createTable('em_task_reports')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('task_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('incident_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('by_id', 'varchar(64)')
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('photos', 'text') // JSON [{name, url}]
    .addColumn('lon', 'double precision')
    .addColumn('lat', 'double precision')
    .execute();
  await db.schema.createIndex('em_task_reports_task_idx').on('em_task_reports').columns(['task_id', 'at']).execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['em_task_reports', 'em_tasks', 'em_incident_events', 'em_incident_alerts', 'em_incidents']) await db.schema.dropTable(t).execute();
}
