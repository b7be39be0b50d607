/** What the government services module offers the server and its routes. */
import type { ApplicationService } from './applications.service.js';
import type { AppointmentService } from './appointments.service.js';
import type { CatalogueService } from './catalogue.service.js';
import type { OcrService } from './ocr.service.js';
import type { SandboxPaymentProvider } from './payments.js';
import type { PaymentService } from './payments.service.js';
import type { RatingService } from './ratings.service.js';

export interface Services {
  catalogue: CatalogueService;
  applications: ApplicationService;
  payments: PaymentService;
  ocr: OcrService;
  appointments: AppointmentService;
  ratings: RatingService;
  /** The development payment provider, when it is the one in use (its pay route and tests). */
  sandbox: SandboxPaymentProvider | null;
  close(): Promise<void>;
}
