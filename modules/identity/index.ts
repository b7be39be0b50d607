/** Identity and access: the module's public door. */
export { identityRoutes } from './identity.routes.js';
export {
  authenticate,
  authenticateTicket,
  issueTicket,
  watchAccessChanges,
  ensureInitialAccounts,
  seedCity,
  setPassword,
  unlockUser,
  principalOfUser,
  DEMO_PASSWORD,
  type IdentityContext,
  type IdentityOptions,
} from './identity.service.js';
export { getUserByUsername } from './identity.store.js';
