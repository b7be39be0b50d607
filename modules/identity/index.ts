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
  principalFor,
  createPublicUser,
  openSession,
  login,
  type NewPublicUser,
  type TokenPair,
  DEMO_PASSWORD,
  type IdentityContext,
  type IdentityOptions,
} from './identity.service.js';
// The city's structure as other modules read it: departments, districts and the plan's tasks.
export {
  type DepartmentRow,
  type DistrictRow,
  type PlanTaskRow,
  getDepartment,
  getDistrict,
  getUserByUsername,
  getUserById,
  getUserByPhone,
  listDepartments,
  listDistricts,
  listPlanTasks,
  userNames,
} from './identity.store.js';
