/** The shapes of an alert that the alert service and the notifier share. */
import type { Selectable } from 'kysely';
import type { AlertTable } from './warning.tables.js';

export type AlertRow = Selectable<AlertTable>;
export type AlertStatus = 'raised' | 'acknowledged' | 'resolved' | 'closed';

/** A department an alert reaches, and why. */
export interface Recipient {
  department: string;
  role: 'owner' | 'lead' | 'responsible' | 'district' | 'extra';
}
