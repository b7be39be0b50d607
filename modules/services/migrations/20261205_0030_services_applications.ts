import { type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations work on the schema as it was, not on today's types
export async function up(db: Kysely<any>): Promise<void> {
  // An application (办件): what was asked, by whom, signed, and where it stands.
  await db.schema
    .createTable('gs_applications')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('instance_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('item_code', 'varchar(40)', (c) => c.notNull())
    .addColumn('item_version', 'integer', (c) => c.notNull())
    .addColumn('bundle_id', 'varchar(40)')
    .addColumn('department', 'varchar(64)', (c) => c.notNull())
    .addColumn('district', 'varchar(16)')
    .addColumn('applicant_user_id', 'varchar(64)', (c) => c.notNull()) // the account applied for: the person's, or the enterprise's
    .addColumn('applicant_kind', 'varchar(16)', (c) => c.notNull()) // person | enterprise
    .addColumn('applicant_subject', 'varchar(32)', (c) => c.notNull()) // ID number or credit code
    .addColumn('applicant_name', 'text', (c) => c.notNull())
    .addColumn('submitted_by', 'varchar(64)', (c) => c.notNull()) // the person who signed (the applicant, or an agent)
    .addColumn('channel', 'varchar(16)', (c) => c.notNull())
    .addColumn('state', 'varchar(24)', (c) => c.notNull())
    .addColumn('form', 'text', (c) => c.notNull()) // JSON values
    .addColumn('materials', 'text', (c) => c.notNull()) // JSON: key → reused licence or record, or files
    .addColumn('document', 'text', (c) => c.notNull()) // the signed submission (WD1 document)
    .addColumn('signer_kid', 'varchar(64)', (c) => c.notNull())
    .addColumn('submitted_at', 'bigint', (c) => c.notNull())
    .addColumn('accepted_at', 'bigint')
    .addColumn('due_at', 'bigint')
    .addColumn('step', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('supplements', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('supplement_note', 'text') // 一次性告知: everything missing, at once
    .addColumn('supplement_keys', 'text') // JSON: the materials and fields asked for
    .addColumn('decided_at', 'bigint')
    .addColumn('decision', 'varchar(16)') // approved | refused | rejected | withdrawn
    .addColumn('decision_note', 'text')
    .addColumn('instant', 'integer', (c) => c.notNull().defaultTo(0)) // approved at once by the item's rules
    .addColumn('result_licence', 'varchar(64)')
    .addColumn('fee_cents', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('operator_id', 'varchar(64)')
    .addColumn('rev', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('gs_applications_applicant_idx').on('gs_applications').columns(['applicant_user_id', 'submitted_at']).execute();
  await db.schema.createIndex('gs_applications_submitter_idx').on('gs_applications').columns(['submitted_by', 'submitted_at']).execute();
  await db.schema
    .createIndex('gs_applications_open_idx')
    .on('gs_applications')
    .columns(['department', 'state', 'submitted_at'])
    .where(sql.ref('decided_at'), 'is', null)
    .execute();
  await db.schema.createIndex('gs_applications_item_idx').on('gs_applications').columns(['item_code', 'submitted_at']).execute();
  await db.schema.createIndex('gs_applications_bundle_idx').on('gs_applications').column('bundle_id').execute();
  // 一件事: one submission fanned out to its items' applications.
  await db.schema
    .createTable('gs_bundles')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('event_code', 'varchar(40)', (c) => c.notNull())
    .addColumn('applicant_user_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('submitted_by', 'varchar(64)', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  // Each applicant's signing key (云签名): the private key sealed, used only on their signed-in request.
  await db.schema
    .createTable('gs_signing_keys')
    .addColumn('kid', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('user_id', 'varchar(64)', (c) => c.notNull().unique())
    .addColumn('alg', 'varchar(16)', (c) => c.notNull())
    .addColumn('public_key', 'text', (c) => c.notNull())
    .addColumn('sealed_private', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  // What the applicant let the department read instead of a copy (免提交), with consent.
  await db.schema
    .createTable('gs_consents')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('application_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('user_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('material', 'varchar(40)', (c) => c.notNull())
    .addColumn('source', 'varchar(16)', (c) => c.notNull()) // licence | record
    .addColumn('ref', 'varchar(80)', (c) => c.notNull()) // the licence number, or dataset/key
    .addColumn('department', 'varchar(64)', (c) => c.notNull())
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('gs_consents_user_idx').on('gs_consents').columns(['user_id', 'at']).execute();
  await db.schema.createIndex('gs_consents_application_idx').on('gs_consents').column('application_id').execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['gs_consents', 'gs_signing_keys', 'gs_bundles', 'gs_applications']) await db.schema.dropTable(t).ifExists().execute();
}
