/** The sensing hub as the composition root and other modules hold it (built by startSensing). */
import type { EmbeddedBroker, ExternalConsumer } from '../../platform/mqtt/broker.js';
import type { DeviceDirectory, IngestPipeline } from './ingest.js';
import type { LiveHub } from './live.js';
import type { TelemetryStore } from './telemetry.store.js';

export interface Sensing {
  /** Resolves once the commits so far have been announced on the bus (live push, rule engines). */
  announced(): Promise<void>;
  directory: DeviceDirectory;
  telemetry: TelemetryStore;
  pipeline: IngestPipeline;
  live: LiveHub;
  broker?: EmbeddedBroker;
  external?: ExternalConsumer;
  /** Runs one health sweep now (tests, and the timer); writes the health counters first unless `counters` is false and they were written recently. */
  sweep(o?: { counters?: boolean }): Promise<void>;
  /** Starts the health sweep, retention and rollup timers (startSensing does unless `timers` is false). */
  startTimers(): void;
  close(): Promise<void>;
}
