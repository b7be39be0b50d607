/**
 * Government services online (智慧政务, 一网通办): the service item catalogue (事项清单) with
 * 一件事 bundles; applications, handling, payments, appointments and 好差评 build on it.
 * docs/services.md.
 */
import { createHmac } from 'node:crypto';
import { SYSTEM_CONTEXT, type Platform } from '../../platform/context.js';
import { type Job, every } from '../../platform/jobs.js';
import type { WorkflowEngine } from '../../platform/workflow/engine.js';
import { type ApplicationDeps, type ApplicationOptions, ApplicationService } from './applications.service.js';
import { AppointmentService } from './appointments.service.js';
import { RatingService } from './ratings.service.js';
import { type CatalogueDeps, CatalogueService } from './catalogue.service.js';
import { type PaymentProvider, SandboxPaymentProvider } from './payments.js';
import { PaymentService } from './payments.service.js';
import { type OcrEngine, TesseractOcr } from './ocr.js';
import { OcrService } from './ocr.service.js';
import type { Services } from './services.types.js';
import type { MyCityService, TimelineItem } from '../superapp/index.js';

export { migrations } from './migrations/index.js';
export { servicesRoutes } from './services.routes.js';
export type { ApplicationService, AppointmentService, CatalogueService, OcrService, PaymentService, RatingService };
export { SERVICES_MEASURES, type ServicesMeasure } from './ratings.service.js';
/** What the operations screen's indicators read. */
export type ServicesFigures = Pick<import('./ratings.service.js').RatingService, 'figure'>;
export { DOCUMENT_KINDS, type OcrEngine, TesseractOcr } from './ocr.js';
export { type PaymentProvider, SandboxPaymentProvider } from './payments.js';
export type { ServiceEvent, ServiceItem } from './catalogue.js';

export type { Services } from './services.types.js';

export interface ServicesOptions extends ApplicationOptions {
  /** The payment provider; the sandbox (development implementation) when none is given. */
  payments?: PaymentProvider;
  /** Run the daily reconciliation (off in tests that drive it themselves). */
  timers: boolean;
  /** The OCR engine; Debian's Tesseract by default. */
  ocr?: OcrEngine;
}

export async function startServices(
  p: Platform,
  engine: WorkflowEngine,
  deps: CatalogueDeps & ApplicationDeps & { timeline?: Pick<MyCityService, 'addSource'> },
  opts: ServicesOptions,
): Promise<Services> {
  const catalogue = new CatalogueService(p, deps);
  await catalogue.seed();
  const applications = new ApplicationService(p, engine, catalogue, deps, opts);
  await applications.start();
  // The sandbox signs its notices with a secret derived from the platform's sealing key.
  const sandbox = opts.payments
    ? null
    : new SandboxPaymentProvider(createHmac('sha256', opts.masterKey).update('wudang payments sandbox').digest(), () => p.now());
  const payments = new PaymentService(p, opts.payments ?? sandbox!, applications);
  if (sandbox) sandbox.deliver = (raw, headers) => payments.notify(sandbox.name, raw, headers, SYSTEM_CONTEXT);
  const jobs: Job[] = [];
  // 对账: yesterday's payments against the provider's statement, once a day (an hourly look).
  if (opts.timers) jobs.push(every(3_600_000, 'payment reconciliation', () => payments.reconcileDue(), p.log));
  const ocr = new OcrService(p, opts.ocr ?? new TesseractOcr());
  // Applications, fees and appointments in the person's "my city" timeline.
  deps.timeline?.addSource(async (principal, as) => {
    const items: TimelineItem[] = [];
    for (const a of await applications.mine(principal, as, { limit: 100, offset: 0 })) {
      items.push({
        kind: 'application',
        at: a.decidedAt ?? a.acceptedAt ?? a.submittedAt,
        title: a.item.name,
        detail: a.stateLabel,
        ref: a.id,
        state: a.state,
      });
      for (const x of await payments.ofApplication(principal, a.id))
        if (x.paidAt !== null)
          items.push({
            kind: 'payment',
            at: x.paidAt,
            title: { zh: `缴费 ${x.amount.toFixed(2)} 元：${a.item.name.zh}`, en: `Paid ${x.amount.toFixed(2)} yuan: ${a.item.name.en}` },
            detail: x.refunded ? { zh: `已退 ${x.refunded.toFixed(2)} 元`, en: `${x.refunded.toFixed(2)} yuan refunded` } : null,
            ref: x.id,
            state: x.status,
          });
    }
    if (!as)
      for (const x of await appointments.list(principal))
        items.push({
          kind: 'appointment',
          at: Date.parse(`${x.day}T${x.start}:00+08:00`),
          title: { zh: `预约 ${x.hall.name.zh} ${x.window.name.zh}`, en: `Appointment: ${x.hall.name.en}, ${x.window.name.en}` },
          detail: { zh: `${x.day} ${x.start}`, en: `${x.day} ${x.start}` },
          ref: x.id,
          state: x.status,
        });
    return items;
  });
  const ratings = new RatingService(p);
  ratings.start();
  const appointments = new AppointmentService(p, deps.accounts);
  await appointments.seed();
  // Reminders the day before, no-shows after the slot.
  if (opts.timers) jobs.push(every(15 * 60_000, 'appointment reminders', () => appointments.sweep(), p.log));
  return {
    catalogue,
    applications,
    payments,
    sandbox,
    ocr,
    appointments,
    ratings,
    close: async () => {
      for (const j of jobs) await j.stop();
    },
  };
}
