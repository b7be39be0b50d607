/** The early-warning module as the composition root and other modules hold it (built by startWarning). */
import type { AlertService } from './alerts.js';
import type { WarningEngine } from './engine.js';
import type { AlertEscalation } from './escalation.js';

export interface Warning {
  alerts: AlertService;
  /** Messages about alerts and escalation of unacknowledged ones. */
  escalation: AlertEscalation;
  /** Absent in a process that does not evaluate rules (WARNING_ENGINE=0). */
  engine?: WarningEngine;
  close(): Promise<void>;
}
