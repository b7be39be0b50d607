/**
 * Appointments on both dialects: service halls open on the calendar's working days, hospitals on
 * their own days; 200 people at once for a slot of 50 places get exactly 50; one person cannot hold
 * two bookings at one time, even asking twice at once; cancelling gives the place back, moving
 * takes the new place first; the day before, an SMS reminder; an hour after the start, a no-show;
 * three no-shows suspend booking; the hall's staff mark attendance, other departments cannot.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { makePrincipal } from '../../../platform/auth/scope.js';
import { SYSTEM_CONTEXT } from '../../../platform/context.js';
import { newSecret } from '../../../platform/ids.js';
import { type TestApp, dialects, startApp } from '../../../test/helpers.js';

for (const d of await dialects()) {
  describe(`service appointments (${d.name})`, () => {
    let t: TestApp;
    let citizen: string;
    // Monday 21 December 2026, 10:00 in Shiyan.
    const MONDAY = Date.UTC(2026, 11, 21, 2, 0);
    let clock = MONDAY;
    before(async () => {
      t = await startApp(d, { accessTokenTtl: 60 * 86_400, refreshTokenTtl: 90 * 86_400, superappDemo: true });
      t.platform.now = () => clock;
      citizen = await t.login('citizen');
    });
    after(() => t.close());

    test('halls open on working days, hospitals on their own days; slots with places left', async () => {
      const halls = await t.call('GET', '/api/services/halls');
      assert.ok(halls.body.length >= 5);
      const forPermit = await t.call('GET', '/api/services/halls?item=SY-GAJ-001');
      assert.ok(forPermit.body.every((h: { kind: string }) => h.kind === 'service_hall'));
      const monday = await t.call('GET', '/api/services/halls/HALL-SY/windows/W10/slots?day=2026-12-21');
      assert.equal(monday.status, 200);
      assert.equal(monday.body.slots.length, 13);
      assert.deepEqual(
        monday.body.slots.slice(0, 3).map((s: { start: string; left: number; past: boolean }) => [s.start, s.left, s.past]),
        [
          ['09:00', 2, true],
          ['09:30', 2, true],
          ['10:00', 2, true],
        ],
      );
      assert.equal(monday.body.slots[3].past, false);
      // National Day (国庆节) in the calendar: the hall is closed, the hospital open all week is not.
      clock = Date.UTC(2026, 8, 28, 2, 0);
      assert.equal((await t.call('GET', '/api/services/halls/HALL-SY/windows/W10/slots?day=2026-10-01')).body.open, false);
      assert.equal((await t.call('GET', '/api/services/halls/HOSP-TH/windows/NK/slots?day=2026-10-01')).body.open, true);
      clock = MONDAY;
      assert.equal((await t.call('GET', '/api/services/halls/HALL-SY/windows/W10/slots?day=2027-02-01')).status, 400);
    });

    test('200 people at once for the last 50 places: exactly 50 booked', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 200; i++) {
        const id = `usr-appt-${i}`;
        ids.push(id);
        await t.storage.db
          .insertInto('sa_accounts')
          .values({
            user_id: id,
            kind: 'resident',
            subject: `APPT${String(i).padStart(14, '0')}`,
            name: `办事人${i}`,
            phone: '19907190100',
            district: '420302',
            legal_rep_id: null,
            legal_rep_name: null,
            holder_ref: newSecret(15),
            verified_at: clock,
            elder_mode: 0,
            push_warnings: 0,
            synthetic: 1,
            created_at: clock,
            updated_at: clock,
          })
          .execute();
      }
      await t.storage.db
        .insertInto('gs_appt_slots')
        .values({ hall: 'HALL-SY', window: 'W01', day: '2026-12-22', start: '09:00', capacity: 50, booked: 0 })
        .execute();
      const results = await Promise.allSettled(
        ids.map((id) =>
          t.services.appointments.book(
            makePrincipal({ kind: 'user', id, name: id, roles: ['citizen'], department: null, districts: [] }),
            { hall: 'HALL-SY', window: 'W01', day: '2026-12-22', start: '09:00' },
            SYSTEM_CONTEXT,
          ),
        ),
      );
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 50);
      for (const r of results) if (r.status === 'rejected') assert.match(String((r.reason as Error).message), /full|约满/);
      const slot = await t.storage.db
        .selectFrom('gs_appt_slots')
        .selectAll()
        .where('hall', '=', 'HALL-SY')
        .where('window', '=', 'W01')
        .where('day', '=', '2026-12-22')
        .executeTakeFirstOrThrow();
      assert.equal(slot.booked, 50);
    });

    let booking: string;
    test('one person, one booking at a time; cancel gives the place back; move takes the new place first', async () => {
      const book = (window: string, start = '14:00') =>
        t.call('POST', '/api/people/services/appointments', citizen, {
          hall: 'HALL-SY',
          window,
          day: '2026-12-23',
          start,
          item: window === 'W10' ? 'SY-GAJ-001' : undefined,
        });
      const [a, b] = await Promise.all([book('W10'), book('W01')]);
      assert.deepEqual([a.status, b.status].sort(), [201, 409]);
      booking = (a.status === 201 ? a : b).body.id;
      // An item the window does not handle.
      assert.equal(
        (
          await t.call('POST', '/api/people/services/appointments', citizen, {
            hall: 'HALL-SY',
            window: 'W20',
            day: '2026-12-23',
            start: '15:00',
            item: 'SY-GAJ-001',
          })
        ).status,
        400,
      );
      const moved = await t.call('POST', `/api/people/services/appointments/${booking}/reschedule`, citizen, { day: '2026-12-24', start: '09:30' });
      assert.equal(moved.status, 200, JSON.stringify(moved.body));
      const mine = (await t.call('GET', '/api/people/services/appointments', citizen)).body;
      assert.deepEqual(mine.map((x: { day: string; start: string; status: string }) => [x.day, x.start, x.status]).sort(), [
        ['2026-12-23', '14:00', 'cancelled'],
        ['2026-12-24', '09:30', 'booked'],
      ]);
      booking = moved.body.id;
      assert.ok(
        (await t.call('GET', '/api/people/timeline', citizen)).body.some((x: { kind: string; ref: string }) => x.kind === 'appointment' && x.ref === booking),
      );
      // Another person's booking is not theirs to cancel.
      assert.equal((await t.call('POST', `/api/people/services/appointments/${booking}/cancel`, await t.login('enterprise'))).status, 404);
    });

    test('the day before, an SMS reminder; attended at the hall by its staff, not by another department', async () => {
      clock = Date.UTC(2026, 11, 23, 3, 0); // Wednesday 11:00: the booking is tomorrow 09:30
      const swept = await t.services.appointments.sweep();
      assert.ok(swept.reminded >= 1);
      const outbox = (await t.call('GET', '/api/dev/outbox?limit=50', await t.login('admin'))).body as { address: string; body: string }[];
      assert.ok(
        outbox.some((m) => m.address === '19907190001' && /2026-12-24 09:30/.test(m.body)),
        JSON.stringify(outbox.slice(0, 3)),
      );
      assert.equal((await t.services.appointments.sweep()).reminded, 0, 'reminded once');
      assert.equal((await t.call('POST', `/api/services/appointments/${booking}/attend`, await t.login('gaj.staff'))).status, 404);
      const attended = await t.call('POST', `/api/services/appointments/${booking}/attend`, await t.login('zsj.staff'));
      assert.equal(attended.body.status, 'attended');
    });

    test('three no-shows in 90 days suspend booking', async () => {
      for (const day of ['2026-12-28', '2026-12-29', '2026-12-30']) {
        const r = await t.call('POST', '/api/people/services/appointments', citizen, { hall: 'HALL-MJ', window: 'W01', day, start: '09:00' });
        assert.equal(r.status, 201, JSON.stringify(r.body));
      }
      clock = Date.UTC(2026, 11, 31, 3, 0);
      assert.equal((await t.services.appointments.sweep()).noShows, 3);
      const refused = await t.call('POST', '/api/people/services/appointments', citizen, { hall: 'HALL-MJ', window: 'W01', day: '2027-01-04', start: '09:00' });
      assert.equal(refused.status, 403);
      assert.match(refused.body.detail, /2027-01-29/);
    });
  });
}
