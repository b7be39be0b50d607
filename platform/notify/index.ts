/** Notifications for any module: channels, the queue and its delivery, endpoints, the development outbox. */
export {
  CHANNELS,
  type Channel,
  type ChannelName,
  type Delivery,
  DevelopmentMailer,
  DevelopmentSmsGateway,
  WebhookChannel,
  maskAddress,
  signWebhook,
} from './channels.js';
export {
  Notifier,
  type NotifierDeps,
  type NotifierOptions,
  type Queue,
  type QueuedMessage,
  RETRY_BACKOFF_MS,
  type SubjectKind,
  endpointView,
  type EndpointView,
} from './notifier.js';
export type { EndpointRow, NotificationRow } from './notify.store.js';
export { notifyRoutes } from './notify.routes.js';
