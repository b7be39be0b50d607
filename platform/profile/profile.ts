/**
 * The city profile: everything city-specific (districts and boundaries, departments, the
 * responsibility matrix, demo accounts) is data in a profile directory, so another city is a
 * new profile, not new code.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Geometry, RegionIndex } from './geo.js';

export interface Names {
  zh: string;
  en: string;
}

export interface ProfileDistrict {
  adcode: string;
  name: Names;
  kind: string;
  parent: string | null;
  center: [number, number] | null;
  geometry: Geometry | null;
}

export interface ProfileDepartment {
  code: string;
  name: Names;
  district: string | null;
}

export interface ProfileTask {
  id: string;
  zh: string;
  /** The task's name in English (for the English UI); the Chinese name when absent. */
  en?: string;
  lead: string[];
  responsible: string[];
}

export interface DemoAccount {
  username: string;
  displayName: string;
  roles: string[];
  department: string | null;
  districts: string[];
}

export interface CityProfile {
  id: string;
  name: Names;
  adcode: string;
  utcOffsetMinutes: number;
  datum: string;
  center: [number, number];
  population: number;
  districts: ProfileDistrict[];
  departments: ProfileDepartment[];
  tasks: ProfileTask[];
  demoAccounts: DemoAccount[];
  /**
   * Departments whose warning rules may watch every department's devices: the operations centre
   * (运行指挥中心). Any other department's rules watch only its own devices.
   */
  cityWideDepartments: readonly string[];
  /** The operations centre (运行指挥中心): owner of what no other department owns. */
  operationsCentre: string;
  /** The department of the platform's first administrator (the platform's operator). */
  platformDepartment: string;
  /**
   * The data authority (数据主管部门, e.g. 市政务服务和大数据管理局): governs the resource catalogue
   * and checks sharing requests for compliance. Defaults to the platform department.
   */
  dataAuthority: string;
  /** Signatures that open text messages (【…】), as Chinese SMS rules require. */
  signatures: { alerts: string; command: string };
  /** Words that make a password guessable here (the city's name, its province, landmarks). */
  passwordWords: readonly string[];
  /** The department that owns a device type's devices unless a device names its own (type id → code). */
  deviceTypeOwners: Readonly<Record<string, string>>;
  /** The demo simulator for this city, if one exists (`simulator/<name>.ts`). */
  simulator: string | null;
  /**
   * The city's seed data by name (`emergency-plans`, `warning-rules`, `indicators`,
   * `demo-resources`): what each module adds on first start. The module that uses a seed
   * validates it; a name the profile does not have is an empty list.
   */
  seed(name: string): readonly unknown[];
  /** District adcode containing a point (lon, lat in the profile's datum), if any. */
  districtAt(lon: number, lat: number): string | undefined;
  /** The box [west, south, east, north] around the city's districts (forms check coordinates against it). */
  bbox: [number, number, number, number] | null;
  /**
   * The units responsible for a task, with group markers expanded: ALL_CITY_DEPARTMENTS
   * (市直各部门) is every city-level department, and every district government (各县市区)
   * is responsible in every task.
   */
  responsibleUnits(task: ProfileTask): string[];
}

/** Marker in the matrix for "every city-level department" (市直各部门). */
export const ALL_CITY_DEPARTMENTS = 'ALL_CITY_DEPARTMENTS';

interface RawProfile {
  id: string;
  name: Names;
  adcode: string;
  population: number;
  utcOffsetMinutes: number;
  datum: string;
  center: [number, number];
  districtsFile: string;
  matrixFile: string;
  districtKinds: Record<string, string>;
  specialZones: { code: string; zh: string; en: string; parent: string; government: { code: string; zh: string; en: string } }[];
  districtGovernmentSuffix: Names;
  demoAccounts: DemoAccount[];
  cityWideDepartments?: string[];
  operationsCentre: string;
  platformDepartment: string;
  dataAuthority?: string;
  /** City departments the plan's matrix does not list but the city has (e.g. 市统计局, provider of the macro-economy database). */
  extraDepartments?: { code: string; zh: string; en: string }[];
  signatures?: { alerts?: string; command?: string };
  passwordWords?: string[];
  simulator?: string;
  deviceTypeOwners?: Record<string, string>;
  /** Seed name → file in the profile directory holding a JSON array. */
  seeds?: Record<string, string>;
}

interface RawMatrix {
  departments: { code: string; zh: string; en: string }[];
  districts: { adcode: string; zh: string; en: string }[];
  tasks: ProfileTask[];
}

interface RawGeo {
  features: { properties: { adcode: number | string; name: string; center?: [number, number]; centroid?: [number, number] }; geometry: Geometry }[];
}

export class ProfileError extends Error {}

const here = dirname(fileURLToPath(import.meta.url));

/** Finds the profiles/ directory from the source tree or the built bundle. */
export function profilesRoot(): string {
  for (const candidate of [resolve(here, '../../profiles'), resolve(here, '../profiles'), resolve(process.cwd(), 'profiles')]) {
    if (existsSync(candidate)) return candidate;
  }
  throw new ProfileError('Cannot find the profiles/ directory');
}

function readJson<T>(path: string): T {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch (err) {
    throw new ProfileError(`Cannot read ${path}: ${(err as Error).message}`);
  }
}

export function loadProfile(nameOrDir: string): CityProfile {
  const dir = isAbsolute(nameOrDir) || nameOrDir.includes('/') ? resolve(nameOrDir) : join(profilesRoot(), nameOrDir);
  const raw = readJson<RawProfile>(join(dir, 'profile.json'));
  const matrix = readJson<RawMatrix>(join(dir, raw.matrixFile));
  const geo = readJson<RawGeo>(join(dir, raw.districtsFile));

  const geoByCode = new Map(geo.features.map((f) => [String(f.properties.adcode), f]));
  const index = new RegionIndex<string>();
  const districts: ProfileDistrict[] = matrix.districts.map((d) => {
    const f = geoByCode.get(d.adcode);
    if (f) index.add(d.adcode, f.geometry);
    return {
      adcode: d.adcode,
      name: { zh: d.zh, en: d.en },
      kind: raw.districtKinds[d.adcode] ?? 'district',
      parent: raw.adcode,
      center: f?.properties.center ?? null,
      geometry: f?.geometry ?? null,
    };
  });
  for (const z of raw.specialZones) {
    districts.push({ adcode: z.code, name: { zh: z.zh, en: z.en }, kind: 'special_zone', parent: z.parent, center: null, geometry: null });
  }

  const departments: ProfileDepartment[] = [...matrix.departments, ...(raw.extraDepartments ?? [])].map((d) => ({
    code: d.code,
    name: { zh: d.zh, en: d.en },
    district: null,
  }));
  // Each district's people's government is a unit too: alerts and tasks are routed to it.
  for (const d of matrix.districts) {
    departments.push({
      code: `GOV-${d.adcode}`,
      name: { zh: `${d.zh}${raw.districtGovernmentSuffix.zh}`, en: `${d.en} ${raw.districtGovernmentSuffix.en}` },
      district: d.adcode,
    });
  }
  for (const z of raw.specialZones) departments.push({ code: z.government.code, name: { zh: z.government.zh, en: z.government.en }, district: z.code });

  const codes = new Set(departments.map((d) => d.code));
  for (const t of matrix.tasks) {
    for (const c of [...t.lead, ...t.responsible]) {
      if (!codes.has(c) && c !== ALL_CITY_DEPARTMENTS) throw new ProfileError(`Task ${t.id} names unknown department ${c}`);
    }
  }
  for (const a of raw.demoAccounts) {
    if (a.department && !codes.has(a.department)) throw new ProfileError(`Demo account ${a.username} names unknown department ${a.department}`);
  }
  for (const c of raw.cityWideDepartments ?? []) {
    if (!codes.has(c)) throw new ProfileError(`cityWideDepartments names unknown department ${c}`);
  }
  for (const key of ['operationsCentre', 'platformDepartment'] as const) {
    if (!codes.has(raw[key])) throw new ProfileError(`${key} names unknown department ${raw[key]}`);
  }
  if (raw.dataAuthority && !codes.has(raw.dataAuthority)) throw new ProfileError(`dataAuthority names unknown department ${raw.dataAuthority}`);
  for (const [type, code] of Object.entries(raw.deviceTypeOwners ?? {})) {
    if (!codes.has(code)) throw new ProfileError(`deviceTypeOwners gives ${type} to unknown department ${code}`);
  }
  const seeds = new Map<string, readonly unknown[]>();
  for (const [name, file] of Object.entries(raw.seeds ?? {})) {
    const list = readJson<unknown>(join(dir, file));
    if (!Array.isArray(list)) throw new ProfileError(`Seed ${name} (${file}) is not a JSON array`);
    seeds.set(name, Object.freeze(list));
  }

  return {
    id: raw.id,
    name: raw.name,
    adcode: raw.adcode,
    utcOffsetMinutes: raw.utcOffsetMinutes,
    datum: raw.datum,
    center: raw.center,
    population: raw.population,
    districts,
    departments,
    tasks: matrix.tasks,
    demoAccounts: raw.demoAccounts,
    cityWideDepartments: raw.cityWideDepartments ?? [raw.operationsCentre],
    operationsCentre: raw.operationsCentre,
    platformDepartment: raw.platformDepartment,
    dataAuthority: raw.dataAuthority ?? raw.platformDepartment,
    signatures: { alerts: raw.signatures?.alerts ?? `${raw.name.zh}城市运行预警`, command: raw.signatures?.command ?? `${raw.name.zh}应急指挥` },
    passwordWords: (raw.passwordWords ?? []).map((w) => w.toLowerCase()),
    simulator: raw.simulator ?? null,
    deviceTypeOwners: raw.deviceTypeOwners ?? {},
    seed: (name) => seeds.get(name) ?? [],
    districtAt: (lon, lat) => index.find(lon, lat),
    bbox: index.bbox(),
    responsibleUnits: (task) => expandResponsible(task, departments),
  };
}

/**
 * The units responsible for a task: the listed ones, with ALL_CITY_DEPARTMENTS (市直各部门)
 * standing for every city-level department other than the lead units, plus every district
 * government (the plan makes 各县市区 responsible in every task).
 */
export function expandResponsible(
  task: { lead: readonly string[]; responsible: readonly string[] },
  departments: readonly { code: string; district: string | null }[],
): string[] {
  const out = new Set<string>();
  for (const c of task.responsible) {
    if (c !== ALL_CITY_DEPARTMENTS) {
      out.add(c);
      continue;
    }
    for (const d of departments) {
      if (d.district === null && !task.lead.includes(d.code)) out.add(d.code);
    }
  }
  for (const d of departments) {
    if (d.district !== null) out.add(d.code);
  }
  return [...out];
}
