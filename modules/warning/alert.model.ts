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

/** What a listing of alerts asks for. */
export interface AlertQuery {
  status?: AlertStatus[];
  open?: boolean;
  level?: number[];
  ruleId?: string;
  deviceId?: string;
  department?: string;
  district?: string;
  task?: string;
  predicted?: boolean;
  from?: number;
  to?: number;
  /** Open at this time: raised by then, and neither resolved nor closed by then. */
  openAt?: number;
  limit: number;
  offset: number;
}
