/** Tables of the government services module (gs_*). */
export interface GsItemTable {
  code: string;
  department: string;
  kind: string;
  applicant: string;
  name_zh: string;
  name_en: string;
  search: string;
  version: number;
  body: string;
  retired: number;
  updated_at: number;
}
export interface GsItemVersionTable {
  code: string;
  version: number;
  body: string;
  note: string | null;
  created_by: string | null;
  created_at: number;
}
export interface GsEventTable {
  code: string;
  body: string;
  retired: number;
  updated_at: number;
}

export interface GsApplicationTable {
  id: string;
  instance_id: string;
  item_code: string;
  item_version: number;
  bundle_id: string | null;
  department: string;
  district: string | null;
  applicant_user_id: string;
  applicant_kind: string;
  applicant_subject: string;
  applicant_name: string;
  submitted_by: string;
  channel: string;
  state: string;
  form: string;
  materials: string;
  document: string;
  signer_kid: string;
  submitted_at: number;
  accepted_at: number | null;
  due_at: number | null;
  step: number;
  supplements: number;
  supplement_note: string | null;
  supplement_keys: string | null;
  decided_at: number | null;
  decision: string | null;
  decision_note: string | null;
  instant: number;
  result_licence: string | null;
  fee_cents: number;
  operator_id: string | null;
  rev: number;
  updated_at: number;
}
export interface GsBundleTable {
  id: string;
  event_code: string;
  applicant_user_id: string;
  submitted_by: string;
  created_at: number;
}
export interface GsSigningKeyTable {
  kid: string;
  user_id: string;
  alg: string;
  public_key: string;
  sealed_private: string;
  created_at: number;
}
export interface GsConsentTable {
  id: string;
  application_id: string;
  user_id: string;
  material: string;
  source: string;
  ref: string;
  department: string;
  purpose: string;
  at: number;
}

export interface GsPaymentTable {
  id: string;
  application_id: string;
  payer_user_id: string;
  department: string;
  amount_cents: number;
  refunded_cents: number;
  status: string;
  provider: string;
  provider_ref: string | null;
  pay_code: string | null;
  paid_at: number | null;
  created_at: number;
  updated_at: number;
}
export interface GsPaymentNoticeTable {
  provider: string;
  notice_id: string;
  payment_id: string;
  kind: string;
  amount_cents: number;
  refund_id: string | null;
  outcome: string;
  at: number;
  received_at: number;
}
export interface GsRefundTable {
  id: string;
  payment_id: string;
  amount_cents: number;
  reason: string;
  status: string;
  provider_ref: string | null;
  requested_by: string;
  created_at: number;
  updated_at: number;
}
export interface GsReconciliationTable {
  provider: string;
  day: string;
  matched: number;
  mismatches: string;
  ran_at: number;
}

export interface GsHallTable {
  code: string;
  kind: string;
  department: string;
  district: string | null;
  body: string;
  synthetic: number;
  updated_at: number;
}
export interface GsApptSlotTable {
  hall: string;
  window: string;
  day: string;
  start: string;
  capacity: number;
  booked: number;
}
export interface GsAppointmentTable {
  id: string;
  user_id: string;
  phone: string | null;
  hall: string;
  window: string;
  day: string;
  start: string;
  starts_at: number;
  item_code: string | null;
  application_id: string | null;
  status: string;
  reminded_at: number | null;
  created_at: number;
  updated_at: number;
}

export interface GsRatingTable {
  id: string;
  target_type: string;
  target_id: string;
  user_id: string;
  department: string;
  item_code: string | null;
  hall: string | null;
  window: string | null;
  channel: string;
  level: number;
  reasons: string;
  comment: string | null;
  created_at: number;
}
export interface GsFollowupTable {
  id: string;
  rating_id: string;
  department: string;
  state: string;
  due_at: number;
  result: string | null;
  note: string | null;
  done_by: string | null;
  done_at: number | null;
  created_at: number;
}

declare module '../../platform/storage/schema.js' {
  interface Database {
    gs_items: GsItemTable;
    gs_item_versions: GsItemVersionTable;
    gs_events: GsEventTable;
    gs_applications: GsApplicationTable;
    gs_bundles: GsBundleTable;
    gs_signing_keys: GsSigningKeyTable;
    gs_consents: GsConsentTable;
    gs_payments: GsPaymentTable;
    gs_payment_notices: GsPaymentNoticeTable;
    gs_refunds: GsRefundTable;
    gs_reconciliations: GsReconciliationTable;
    gs_halls: GsHallTable;
    gs_appt_slots: GsApptSlotTable;
    gs_appointments: GsAppointmentTable;
    gs_ratings: GsRatingTable;
    gs_followups: GsFollowupTable;
  }
}
