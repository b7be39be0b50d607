import type { Kysely } from 'kysely';
import { dialectOf } from '../../../platform/storage/migrate.js';

// biome-ignore lint/suspicious/noExplicitAny: migrations work on the schema as it was, not on today's types
export async function up(db: Kysely<any>): Promise<void> {
  const postgres = dialectOf(db) === 'postgres';
  // 共享申请: a consumer department asks a provider for a resource (or some of its items); the
  // steps and their deadlines run on the workflow kernel (workflow_id), the request keeps what was asked.
  await db.schema
    .createTable('sharing_requests')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('resource_code', 'varchar(32)', (c) => c.notNull())
    .addColumn('resource_version', 'integer', (c) => c.notNull())
    .addColumn('dataset', 'varchar(32)')
    .addColumn('consumer', 'varchar(64)', (c) => c.notNull())
    .addColumn('provider', 'varchar(64)', (c) => c.notNull())
    .addColumn('system_name', 'varchar(200)')
    .addColumn('items', 'text', (c) => c.notNull()) // JSON string[]
    .addColumn('purpose', 'varchar(2000)', (c) => c.notNull())
    .addColumn('legal_basis', 'varchar(2000)', (c) => c.notNull())
    .addColumn('use_scope', 'varchar(2000)', (c) => c.notNull())
    .addColumn('period_from', 'varchar(10)', (c) => c.notNull())
    .addColumn('period_to', 'varchar(10)', (c) => c.notNull())
    .addColumn('rate_per_minute', 'integer', (c) => c.notNull())
    .addColumn('quota_per_day', 'integer', (c) => c.notNull())
    .addColumn('state', 'varchar(32)', (c) => c.notNull())
    .addColumn('workflow_id', 'varchar(40)')
    .addColumn('approval_id', 'varchar(40)')
    .addColumn('decision', 'text') // JSON: the last answer's reason and scope, in words
    .addColumn('overdue_at', 'bigint') // the current step passed its deadline
    .addColumn('escalated_at', 'bigint')
    .addColumn('applicant_id', 'varchar(64)')
    .addColumn('applicant_name', 'varchar(200)')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('sharing_requests_consumer_idx').on('sharing_requests').columns(['consumer', 'created_at']).execute();
  await db.schema.createIndex('sharing_requests_provider_idx').on('sharing_requests').columns(['provider', 'created_at']).execute();
  await db.schema.createIndex('sharing_requests_workflow_idx').on('sharing_requests').column('workflow_id').execute();
  // Approvals: what a consumer may read of a resource, until when, how fast and how much.
  await db.schema
    .createTable('sharing_approvals')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('request_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('consumer', 'varchar(64)', (c) => c.notNull())
    .addColumn('provider', 'varchar(64)', (c) => c.notNull())
    .addColumn('resource_code', 'varchar(32)', (c) => c.notNull())
    .addColumn('dataset', 'varchar(32)')
    .addColumn('items', 'text', (c) => c.notNull()) // JSON string[]: the items answered in clear
    .addColumn('purpose', 'varchar(2000)', (c) => c.notNull())
    .addColumn('valid_from', 'bigint', (c) => c.notNull())
    .addColumn('valid_to', 'bigint', (c) => c.notNull())
    .addColumn('rate_per_minute', 'integer', (c) => c.notNull())
    .addColumn('quota_per_day', 'integer', (c) => c.notNull())
    .addColumn('status', 'varchar(16)', (c) => c.notNull()) // active, revoked
    .addColumn('granted_by', 'varchar(64)')
    .addColumn('granted_at', 'bigint', (c) => c.notNull())
    .addColumn('revoked_by', 'varchar(64)')
    .addColumn('revoked_at', 'bigint')
    .addColumn('revoke_reason', 'varchar(2000)')
    .execute();
  await db.schema.createIndex('sharing_approvals_consumer_idx').on('sharing_approvals').columns(['consumer', 'resource_code']).execute();
  // Consumer systems and their credentials (an API key, or OAuth 2 client credentials with the same secret).
  await db.schema
    .createTable('sharing_clients')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey()) // the client_id
    .addColumn('consumer', 'varchar(64)', (c) => c.notNull())
    .addColumn('name', 'varchar(200)', (c) => c.notNull())
    .addColumn('secret_hash', 'varchar(64)', (c) => c.notNull().unique())
    .addColumn('prefix', 'varchar(16)', (c) => c.notNull())
    .addColumn('created_by', 'varchar(64)')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('last_used_at', 'bigint')
    .addColumn('revoked_at', 'bigint')
    .execute();
  await db.schema.createIndex('sharing_clients_consumer_idx').on('sharing_clients').column('consumer').execute();
  await db.schema
    .createTable('sharing_client_tokens')
    .addColumn('hash', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('client_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  // Calls through the gateway: who asked, for what, and what they got (items in clear and masked).
  await db.schema
    .createTable('sharing_calls')
    .addColumn('seq', postgres ? 'bigserial' : 'integer', (c) => (postgres ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('day', 'varchar(10)', (c) => c.notNull()) // city-local date, for statistics and quotas
    .addColumn('client_id', 'varchar(40)')
    .addColumn('consumer', 'varchar(64)')
    .addColumn('provider', 'varchar(64)')
    .addColumn('resource_code', 'varchar(32)')
    .addColumn('approval_id', 'varchar(40)')
    .addColumn('operation', 'varchar(16)', (c) => c.notNull()) // lookup, query, extract, changes
    .addColumn('purpose', 'varchar(2000)')
    .addColumn('outcome', 'varchar(16)', (c) => c.notNull()) // ok, refused
    .addColumn('reason', 'varchar(64)')
    .addColumn('rows', 'integer', (c) => c.notNull())
    .addColumn('items_clear', 'text', (c) => c.notNull()) // JSON string[]
    .addColumn('items_masked', 'text', (c) => c.notNull()) // JSON string[]
    .execute();
  await db.schema.createIndex('sharing_calls_provider_idx').on('sharing_calls').columns(['provider', 'day']).execute();
  await db.schema.createIndex('sharing_calls_consumer_idx').on('sharing_calls').columns(['consumer', 'day']).execute();
  await db.schema.createIndex('sharing_calls_day_idx').on('sharing_calls').column('day').execute();
  await db.schema.createIndex('sharing_calls_approval_idx').on('sharing_calls').columns(['approval_id', 'day']).execute();
  // Whose records each call returned: a resident's (or an enterprise's) 数据使用记录.
  await db.schema
    .createTable('sharing_call_subjects')
    .addColumn('call_seq', 'bigint', (c) => c.notNull())
    .addColumn('dataset', 'varchar(32)', (c) => c.notNull())
    .addColumn('subject_key', 'varchar(64)', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('sharing_call_subjects_key_idx').on('sharing_call_subjects').columns(['subject_key', 'at']).execute();
  // The gateway's change feed reads records in the order they last changed.
  await db.schema.createIndex('sharing_people_updated_idx').on('sharing_people').columns(['updated_at', 'id_number']).execute();
  await db.schema.createIndex('sharing_entities_updated_idx').on('sharing_entities').columns(['updated_at', 'credit_code']).execute();
  // Calls counted per approval and day: the quota, exact whichever process answers.
  await db.schema
    .createTable('sharing_quota_use')
    .addColumn('approval_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('day', 'varchar(10)', (c) => c.notNull())
    .addColumn('used', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('sharing_quota_use_pk', ['approval_id', 'day'])
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('sharing_entities_updated_idx').ifExists().execute();
  await db.schema.dropIndex('sharing_people_updated_idx').ifExists().execute();
  for (const t of [
    'sharing_quota_use',
    'sharing_call_subjects',
    'sharing_calls',
    'sharing_client_tokens',
    'sharing_clients',
    'sharing_approvals',
    'sharing_requests',
  ])
    await db.schema.dropTable(t).ifExists().execute();
}
