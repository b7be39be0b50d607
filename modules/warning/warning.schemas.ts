/**
 * The shapes of early warning that the server answers and the web apps read, as TypeBox schemas:
 * the routes declare them as their responses (so OpenAPI and serialisation follow them) and the
 * TypeScript types are derived from them (`Static`). The web apps import the types, type-only,
 * through the module's index: one declaration of each shape.
 */
import { type Static, Type } from 'typebox';

export const Label = Type.Object({ zh: Type.String(), en: Type.String() });

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

/** What one condition saw when it decided (conditions.ts `Evidence`). */
export const ConditionEvidence = Type.Object({
  kind: Type.String({ description: 'the condition kind: threshold, rate, absence, stuck, baseline, predict, geofence, count' }),
  attr: Type.Optional(Type.String()),
  value: Type.Optional(Type.Number()),
  threshold: Type.Optional(Type.Number()),
  expectedAt: Type.Optional(Type.Number({ description: 'prediction: when the threshold is expected to be crossed' })),
  confidence: Type.Optional(Type.Number()),
  forecast: Type.Optional(Type.Number()),
  windowMs: Type.Optional(Type.Number()),
  baseline: Type.Optional(Type.Object({ mean: Type.Number(), sd: Type.Number(), weeks: Type.Number() })),
  count: Type.Optional(Type.Number()),
  detail: Type.Optional(Type.String()),
});

/** One decision of the engine about an alert: when, at which level, and why. */
export const EvidenceEntry = Type.Object({
  at: Type.Number(),
  recordedAt: Type.Number(),
  level: Nullable(Type.Integer()),
  predicted: Type.Boolean(),
  conditions: Type.Array(ConditionEvidence),
});

/** An alert's evidence: the latest decision, the readings that triggered it, and the last decisions. */
export const AlertEvidence = Type.Object({
  latest: EvidenceEntry,
  series: Type.Array(Type.Object({ attr: Type.String(), points: Type.Array(Type.Tuple([Type.Number(), Type.Number()])) })),
  history: Type.Optional(Type.Array(EvidenceEntry)),
});

const alertFields = {
  id: Type.String(),
  ruleId: Type.String(),
  ruleVersion: Type.Integer(),
  subject: Type.String(),
  subjectKind: Type.String(),
  deviceId: Nullable(Type.String()),
  level: Type.Integer({ description: '1 Ⅰ red … 4 Ⅳ blue' }),
  levelLabel: Label,
  colour: Type.String(),
  predicted: Type.Boolean(),
  status: Type.String({ description: 'raised, acknowledged, resolved or closed' }),
  title: Label,
  department: Type.String(),
  task: Type.String(),
  district: Nullable(Type.String()),
  location: Nullable(Type.Object({ lon: Type.Number(), lat: Type.Number() })),
  recipients: Type.Array(Type.Object({ department: Type.String(), role: Type.String() })),
  simulated: Type.Boolean(),
  raisedAt: Type.Integer(),
  updatedAt: Type.Integer(),
  acknowledgedAt: Nullable(Type.Integer()),
  acknowledgedBy: Nullable(Type.String()),
  resolvedAt: Nullable(Type.Integer()),
  resolvedBy: Nullable(Type.String()),
  closeReason: Nullable(Type.String()),
  reopenCount: Type.Integer(),
  flapping: Type.Boolean(),
  rev: Type.Integer(),
  readOnly: Type.Optional(
    Type.Boolean({
      description: 'true when the caller reads the alert but may not act on it (a district government reading another department’s alert in its district)',
    }),
  ),
};

/** An alert in a listing. */
export const AlertSchema = Type.Object({ ...alertFields, evidence: Type.Optional(Nullable(AlertEvidence)) });

/** A step on an alert's timeline. */
export const AlertTimelineEntry = Type.Object({
  at: Type.Integer(),
  actor: Type.Object({ id: Nullable(Type.String()), name: Nullable(Type.String()) }),
  action: Type.String(),
  level: Nullable(Type.Integer()),
  comment: Nullable(Type.String()),
  /** The engine's entries in words, in both languages (a person's entry has its comment instead). */
  summary: Type.Optional(Label),
  data: Type.Unknown(),
});

/** A message sent about an alert (platform notifications), the address masked. */
export const NotificationView = Type.Object({
  id: Type.String(),
  channel: Type.String(),
  department: Type.String(),
  address: Type.String(),
  event: Type.String(),
  status: Type.String(),
  attempts: Type.Integer(),
  lastError: Nullable(Type.String()),
  createdAt: Type.Integer(),
  sentAt: Nullable(Type.Integer()),
});

/** One alert with its evidence, timeline and messages. */
export const AlertDetailSchema = Type.Object({
  ...alertFields,
  evidence: Nullable(AlertEvidence),
  timeline: Type.Array(AlertTimelineEntry),
  notifications: Type.Array(NotificationView),
});

export type AlertView = Static<typeof AlertSchema>;
export type AlertDetail = Static<typeof AlertDetailSchema>;
export type AlertEvidence = Static<typeof AlertEvidence>;
export type AlertTimelineEntry = Static<typeof AlertTimelineEntry>;
