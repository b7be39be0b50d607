/**
 * The demo's people (synthetic, valid check digits, marked synthetic wherever shown): the demo
 * `citizen` account becomes a verified resident with a record in the population database and a
 * residence permit in the wallet; the demo `enterprise` account a verified company in the legal-entity
 * database whose legal representative is that resident, with its business licence; and one more
 * resident is in the population database, not yet registered, for trying registration.
 */
import { SYSTEM_CONTEXT } from '../../platform/context.js';
import type { Platform } from '../../platform/context.js';
import { makeCreditCode, makeIdNumber } from '../../platform/identifiers/index.js';
import { newSecret } from '../../platform/ids.js';
import { getUserByUsername } from '../identity/index.js';
import type { LicenceService } from '../licences/index.js';
import type { LoadService } from '../sharing/index.js';
import * as store from './superapp.store.js';

export const DEMO_RESIDENT = {
  idNumber: makeIdNumber('420302', '19880316', 26),
  name: '赵晓',
  phone: '19907190001',
  address: '湖北省十堰市茅箭区武当路街道人民北路18号（合成数据）',
};
/** In the population database, not registered: the README's registration walk-through. */
export const DEMO_UNREGISTERED = {
  idNumber: makeIdNumber('420303', '19920704', 35),
  name: '钱敏',
  phone: '19907190002',
};
export const DEMO_ENTERPRISE = {
  creditCode: makeCreditCode('9', '1', '420302', 'MA4DEM001'),
  name: '十堰示例科技有限公司',
};

export async function seedDemoPeople(p: Platform, loads: Pick<LoadService, 'load'>, licences: Pick<LicenceService, 'issue' | 'wallet'>): Promise<void> {
  const citizen = await getUserByUsername(p.db, 'citizen');
  const enterprise = await getUserByUsername(p.db, 'enterprise');
  if (!citizen && !enterprise) return;
  const now = p.now();
  const rows = (list: Record<string, unknown>[]) => list.map((raw, i) => ({ at: i + 1, raw }));
  if (citizen && !(await store.accountOf(p.db, citizen.id))) {
    await loads.load(
      'population',
      'super app demo',
      rows([
        {
          idNumber: DEMO_RESIDENT.idNumber,
          name: DEMO_RESIDENT.name,
          gender: '2',
          birthDate: '1988-03-16',
          residenceAddress: DEMO_RESIDENT.address,
          phone: DEMO_RESIDENT.phone,
          district: '420302',
        },
        {
          idNumber: DEMO_UNREGISTERED.idNumber,
          name: DEMO_UNREGISTERED.name,
          gender: '1',
          birthDate: '1992-07-04',
          phone: DEMO_UNREGISTERED.phone,
          district: '420303',
        },
      ]),
      SYSTEM_CONTEXT,
      { synthetic: true },
    );
    await store.insertAccount(p.db, {
      user_id: citizen.id,
      kind: 'resident',
      subject: DEMO_RESIDENT.idNumber,
      name: DEMO_RESIDENT.name,
      phone: DEMO_RESIDENT.phone,
      district: '420302',
      legal_rep_id: null,
      legal_rep_name: null,
      holder_ref: newSecret(15),
      verified_at: now,
      elder_mode: 0,
      push_warnings: 1,
      synthetic: 1,
      created_at: now,
      updated_at: now,
    });
    if (!(await licences.wallet(DEMO_RESIDENT.idNumber, SYSTEM_CONTEXT)).length)
      await licences.issue(
        { type: 'JZZ', holder: { id: DEMO_RESIDENT.idNumber, name: DEMO_RESIDENT.name }, fields: { address: DEMO_RESIDENT.address } },
        SYSTEM_CONTEXT,
      );
  }
  if (enterprise && !(await store.accountOf(p.db, enterprise.id))) {
    await loads.load(
      'legal-entities',
      'super app demo',
      rows([
        {
          creditCode: DEMO_ENTERPRISE.creditCode,
          name: DEMO_ENTERPRISE.name,
          entityType: '1100',
          legalRepresentative: DEMO_RESIDENT.name,
          legalRepresentativeId: DEMO_RESIDENT.idNumber,
          registeredCapital: 500,
          foundedOn: '2019-05-20',
          address: '湖北省十堰市茅箭区北京北路66号（合成数据）',
          businessScope: '软件开发；信息技术咨询服务（合成数据）',
          status: '10',
          district: '420302',
        },
      ]),
      SYSTEM_CONTEXT,
      { synthetic: true },
    );
    await store.insertAccount(p.db, {
      user_id: enterprise.id,
      kind: 'enterprise',
      subject: DEMO_ENTERPRISE.creditCode,
      name: DEMO_ENTERPRISE.name,
      phone: '19907190003',
      district: '420302',
      legal_rep_id: DEMO_RESIDENT.idNumber,
      legal_rep_name: DEMO_RESIDENT.name,
      holder_ref: newSecret(15),
      verified_at: now,
      elder_mode: 0,
      push_warnings: 0,
      synthetic: 1,
      created_at: now,
      updated_at: now,
    });
    if (!(await licences.wallet(DEMO_ENTERPRISE.creditCode, SYSTEM_CONTEXT)).length)
      await licences.issue(
        {
          type: 'YYZZ',
          holder: { id: DEMO_ENTERPRISE.creditCode, name: DEMO_ENTERPRISE.name },
          fields: {
            entityType: '有限责任公司',
            legalRepresentative: DEMO_RESIDENT.name,
            registeredCapital: 500,
            foundedOn: '2019-05-20',
            address: '湖北省十堰市茅箭区北京北路66号（合成数据）',
            businessScope: '软件开发；信息技术咨询服务（合成数据）',
          },
        },
        SYSTEM_CONTEXT,
      );
  }
}
