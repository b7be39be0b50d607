import { type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations work on the schema as it was, not on today's types
export async function up(db: Kysely<any>): Promise<void> {
  // The departments involved in an incident: who reported it, whom its alerts were routed to, the
  // units given tasks. An incident is visible to them (within their districts) and to city-wide roles.
  await db.schema
    .createTable('em_incident_units')
    .addColumn('incident_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('department_code', 'varchar(64)', (c) => c.notNull())
    .addColumn('since', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('em_incident_units_pk', ['incident_id', 'department_code'])
    .execute();
  await db.schema.createIndex('em_incident_units_dept_idx').on('em_incident_units').columns(['department_code', 'incident_id']).execute();
  await sql`
    INSERT INTO em_incident_units (incident_id, department_code, since)
    SELECT incident_id, department_code, min(since) FROM (
      SELECT t.incident_id AS incident_id, t.unit AS department_code, t.created_at AS since FROM em_tasks t
      UNION ALL
      SELECT l.incident_id, r.department_code, l.linked_at FROM em_incident_alerts l JOIN alert_recipients r ON r.alert_id = l.alert_id
      UNION ALL
      SELECT i.id, u.department_code, i.created_at FROM em_incidents i JOIN users u ON u.id = i.created_by WHERE u.department_code IS NOT NULL
    ) x GROUP BY incident_id, department_code`.execute(db);

  // One-time tickets for WebSocket connections (the access token never goes into a URL).
  await db.schema
    .createTable('auth_tickets')
    .addColumn('hash', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('principal_kind', 'varchar(16)', (c) => c.notNull()) // user | api_key
    .addColumn('principal_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('session_id', 'varchar(40)')
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('auth_tickets_expires_idx').on('auth_tickets').column('expires_at').execute();

  // Refresh tokens already exchanged: one presented again means it was stolen (or replayed), and
  // the whole session (the token family) is revoked.
  await db.schema
    .createTable('session_refresh_used')
    .addColumn('hash', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('session_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('used_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('session_refresh_used_session_idx').on('session_refresh_used').column('session_id').execute();

  // Failed logins per account and source address: a stranger's guesses lock the account for that
  // source only, not for its owner elsewhere.
  await db.schema
    .createTable('login_failures')
    .addColumn('user_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('source', 'varchar(64)', (c) => c.notNull())
    .addColumn('failures', 'integer', (c) => c.notNull())
    .addColumn('locked_until', 'bigint')
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('login_failures_pk', ['user_id', 'source'])
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['login_failures', 'session_refresh_used', 'auth_tickets', 'em_incident_units']) await db.schema.dropTable(t).execute();
}
