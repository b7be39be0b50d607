import { type Static, Type } from 'typebox';
import { ROLES } from '../../platform/auth/roles.js';
import { PageQuery } from '../../platform/http/limits.js';

const Str = (min: number, max: number, extra: object = {}) => Type.String({ minLength: min, maxLength: max, ...extra });

export const RoleSchema = Type.Union(ROLES.map((r) => Type.Literal(r)));
const DistrictList = Type.Array(Str(1, 16, { pattern: '^(\\*|[0-9A-Za-z-]+)$' }), { maxItems: 64, description: 'District codes (GB/T 2260) or ["*"] for all' });
const Username = Str(2, 64, { pattern: '^[a-zA-Z0-9_.@-]+$' });

export const LoginBody = Type.Object({ username: Str(1, 64), password: Str(1, 256) }, { additionalProperties: false });
export const RefreshBody = Type.Object({ refreshToken: Str(10, 200) }, { additionalProperties: false });
export const ChangePasswordBody = Type.Object({ currentPassword: Str(1, 256), newPassword: Str(1, 256) }, { additionalProperties: false });

export const TokenPair = Type.Object({
  token: Type.String({ description: 'Access token; send as Authorization: Bearer <token>' }),
  refreshToken: Type.String(),
  expiresAt: Type.String({ format: 'date-time' }),
  refreshExpiresAt: Type.String({ format: 'date-time' }),
  tokenType: Type.Literal('Bearer'),
});

export const UserSchema = Type.Object({
  id: Type.String(),
  username: Type.String(),
  displayName: Type.String(),
  roles: Type.Array(Type.String()),
  department: Type.Union([Type.String(), Type.Null()]),
  districts: Type.Array(Type.String()),
  status: Type.String(),
  locked: Type.Boolean(),
  mustChangePassword: Type.Boolean(),
  phone: Type.Union([Type.String(), Type.Null()], { description: 'Masked unless the caller manages users' }),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
});

export const MeSchema = Type.Object({
  kind: Type.String(),
  id: Type.String(),
  name: Type.String(),
  displayName: Type.Optional(Type.String()),
  roles: Type.Array(Type.String()),
  permissions: Type.Array(Type.String()),
  department: Type.Union([Type.String(), Type.Null()]),
  districts: Type.Array(Type.String()),
  scope: Type.Object({ departments: Type.Array(Type.String()), districts: Type.Array(Type.String()) }, { description: 'What the caller may act on and read' }),
  view: Type.Object(
    { departments: Type.Array(Type.String()), districts: Type.Array(Type.String()), cityLevel: Type.Boolean() },
    {
      description:
        'What the caller may read: the scope, widened for a district government to every department in its district (read-only); cityLevel: whether records without a district are included',
    },
  ),
  mustChangePassword: Type.Optional(Type.Boolean()),
});

/** A mainland mobile number (11 digits) or a landline with its area code, optionally after +86. */
export const PHONE_PATTERN = '^(\\+86[ -]?)?(1[3-9][0-9]{9}|0[0-9]{2,3}-?[0-9]{7,8})$';
const Phone = Str(5, 20, { pattern: PHONE_PATTERN });

export const CreateUserBody = Type.Object(
  {
    username: Username,
    displayName: Str(1, 100),
    password: Str(1, 256),
    roles: Type.Array(RoleSchema, { minItems: 1, maxItems: 8 }),
    department: Type.Union([Str(1, 32), Type.Null()]),
    districts: DistrictList,
    phone: Type.Optional(Type.Union([Phone, Type.Null()])),
  },
  { additionalProperties: false },
);
export type CreateUserBody = Static<typeof CreateUserBody>;

export const PatchUserBody = Type.Object(
  {
    displayName: Type.Optional(Str(1, 100)),
    roles: Type.Optional(Type.Array(RoleSchema, { minItems: 1, maxItems: 8 })),
    department: Type.Optional(Type.Union([Str(1, 32), Type.Null()])),
    districts: Type.Optional(DistrictList),
    status: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('disabled')])),
    phone: Type.Optional(Type.Union([Phone, Type.Null()])),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const ResetPasswordBody = Type.Object({ password: Type.Optional(Str(1, 256)) }, { additionalProperties: false });

export const IdParams = Type.Object({ id: Str(1, 64, { pattern: '^[a-z]+_[0-9a-z]+$' }) }, { additionalProperties: false });
export const CodeParams = Type.Object({ code: Str(1, 32, { pattern: '^[A-Za-z0-9-]+$' }) }, { additionalProperties: false });

export const UserListQuery = Type.Object(
  {
    q: Type.Optional(Str(1, 64)),
    department: Type.Optional(Str(1, 32)),
    role: Type.Optional(RoleSchema),
    ...PageQuery(50, 500),
  },
  { additionalProperties: false },
);

export const DistrictSchema = Type.Object({
  adcode: Type.String({ description: 'GB/T 2260 code (special zones: SZ-*)' }),
  name: Type.Object({ zh: Type.String(), en: Type.String() }),
  kind: Type.String(),
  parent: Type.Union([Type.String(), Type.Null()]),
  center: Type.Union([Type.Tuple([Type.Number(), Type.Number()]), Type.Null()]),
  geometry: Type.Optional(Type.Unknown({ description: 'GeoJSON geometry, GCJ-02' })),
});

export const DepartmentSchema = Type.Object({
  code: Type.String(),
  name: Type.Object({ zh: Type.String(), en: Type.String() }),
  district: Type.Union([Type.String(), Type.Null()]),
  tasks: Type.Object({ lead: Type.Array(Type.String()), responsible: Type.Array(Type.String()) }),
});

export const PlanTaskSchema = Type.Object({
  id: Type.String(),
  name: Type.String({ description: 'The name in Chinese, as the plan gives it' }),
  names: Type.Object({ zh: Type.String(), en: Type.String() }, { description: 'The name in Chinese and English' }),
  lead: Type.Array(Type.String(), { description: '牵头单位 lead units' }),
  responsible: Type.Array(Type.String(), { description: '责任单位 as the plan lists them; ALL_CITY_DEPARTMENTS = 市直各部门' }),
  responsibleUnits: Type.Array(Type.String(), { description: 'responsible units expanded, district governments included' }),
});

export const ApiKeySchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  prefix: Type.String(),
  department: Type.Union([Type.String(), Type.Null()]),
  districts: Type.Array(Type.String()),
  roles: Type.Array(Type.String()),
  createdBy: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
  expiresAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  revokedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  lastUsedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});

export const CreateApiKeyBody = Type.Object(
  {
    name: Str(1, 100),
    roles: Type.Array(RoleSchema, { minItems: 1, maxItems: 8 }),
    department: Type.Union([Str(1, 32), Type.Null()]),
    districts: DistrictList,
    expiresAt: Type.Optional(Type.Union([Type.String({ format: 'date-time' }), Type.Null()])),
  },
  { additionalProperties: false },
);

export const LookupQuery = Type.Object(
  { lon: Type.Number({ minimum: -180, maximum: 180 }), lat: Type.Number({ minimum: -90, maximum: 90 }) },
  { additionalProperties: false },
);

export const Names = Type.Object({ zh: Str(1, 100), en: Str(1, 200) }, { additionalProperties: false });
export const CreateDepartmentBody = Type.Object(
  { code: Str(2, 32, { pattern: '^[A-Z][A-Z0-9-]*$' }), name: Names, district: Type.Union([Str(1, 16), Type.Null()]) },
  { additionalProperties: false },
);
export const PatchDepartmentBody = Type.Object(
  { name: Type.Optional(Names), district: Type.Optional(Type.Union([Str(1, 16), Type.Null()])) },
  { additionalProperties: false, minProperties: 1 },
);
