export interface Department {
  code: string;
  name: { zh: string; en: string };
  district: string | null;
  tasks: { lead: string[]; responsible: string[] };
}

export interface PlanTask {
  id: string;
  name: string;
  names: { zh: string; en: string };
  lead: string[];
  responsible: string[];
  responsibleUnits: string[];
}

export interface City {
  id: string;
  name: { zh: string; en: string };
  adcode: string;
  population: number;
  districts: number;
  departments: number;
  tasks: number;
  datum: string;
}

export interface User {
  id: string;
  username: string;
  displayName: string;
  roles: string[];
  department: string | null;
  districts: string[];
  status: string;
  locked: boolean;
  mustChangePassword: boolean;
  phone: string | null;
}

export const ROLES = ['platform_admin', 'duty_officer', 'dept_leader', 'dept_staff', 'grid_inspector', 'citizen', 'enterprise', 'api_client'];
