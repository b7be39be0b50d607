import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WorkingCalendar } from '../calendar.js';
import { bundledHolidays } from '../calendar.service.js';

const OFFICE = [
  { start: 8 * 60 + 30, end: 12 * 60 },
  { start: 14 * 60 + 30, end: 17 * 60 + 30 },
];
const days = Object.values(bundledHolidays().years).flatMap((y) => y.days);
const cal = new WorkingCalendar(days, OFFICE, 480);
const at = (local: string) => Date.parse(`${local}+08:00`);
const local = (t: number) => new Date(t + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');

describe('working days under China holidays and make-up days (调休)', () => {
  it('treats listed make-up Saturdays and Sundays as working days', () => {
    assert.equal(cal.isWorkingDay('2026-02-14'), true, 'Sat 14 Feb 2026 is a Spring Festival make-up day');
    assert.equal(cal.isWorkingDay('2026-02-28'), true);
    assert.equal(cal.isWorkingDay('2026-10-10'), true);
    assert.equal(cal.isWorkingDay('2025-09-28'), true, 'Sun 28 Sep 2025');
    assert.equal(cal.isWorkingDay('2026-02-21'), false, 'an ordinary Saturday inside the holiday');
  });

  it('treats the Spring Festival and National Day periods as rest days', () => {
    for (let d = 15; d <= 23; d++) assert.equal(cal.isWorkingDay(`2026-02-${d}`), false, `2026-02-${d}`);
    for (let d = 1; d <= 7; d++) assert.equal(cal.isWorkingDay(`2026-10-0${d}`), false, `2026-10-0${d}`);
    assert.equal(cal.isWorkingDay('2026-10-08'), true);
    assert.equal(cal.isWorkingDay('2026-02-24'), true);
  });

  it('counts ordinary weekdays and weekends', () => {
    assert.equal(cal.isWorkingDay('2026-11-26'), true, 'a Thursday');
    assert.equal(cal.isWorkingDay('2026-11-28'), false, 'a Saturday');
    assert.equal(cal.isWorkingDay('2026-11-29'), false, 'a Sunday');
  });

  it('passes the checks in the holiday standard', () => {
    assert.equal(cal.addWorkingDays('2026-02-13', 1), '2026-02-14');
    assert.equal(cal.addWorkingDays('2026-02-14', 1), '2026-02-24');
    assert.equal(cal.addWorkingDays('2026-09-30', 1), '2026-10-08');
    assert.equal(cal.addWorkingDays('2026-09-30', 3), '2026-10-10');
    assert.equal(cal.addWorkingDays('2026-09-30', 4), '2026-10-12');
  });

  it('adds five working days across the 2026 Spring Festival', () => {
    // Thu 12 Feb → Fri 13, Sat 14 (make-up), Tue 24, Wed 25, Thu 26
    assert.equal(cal.addWorkingDays('2026-02-12', 5), '2026-02-26');
    assert.equal(cal.workingDaysBetween('2026-02-12', '2026-02-26'), 5);
  });

  it('ends a "within n working days" deadline at the close of office hours', () => {
    const d = cal.deadlineInWorkingDays(at('2026-09-29T10:00'), 2);
    assert.equal(local(d), '2026-10-08 17:30');
  });
});

describe('working hours with office hours', () => {
  it('stays within the same morning window', () => {
    assert.equal(local(cal.addWorkingHours(at('2026-11-26T09:00'), 2)), '2026-11-26 11:00');
  });

  it('skips the lunch break', () => {
    assert.equal(local(cal.addWorkingHours(at('2026-11-26T11:00'), 2)), '2026-11-26 15:30');
  });

  it('starts counting at the next window when given a time outside office hours', () => {
    assert.equal(local(cal.addWorkingHours(at('2026-11-26T07:00'), 1)), '2026-11-26 09:30');
    assert.equal(local(cal.addWorkingHours(at('2026-11-26T20:00'), 1)), '2026-11-27 09:30');
  });

  it('adds five working hours from Friday afternoon over the weekend', () => {
    // Fri 27 Nov 16:00: 1.5 h left that day, then Monday 08:30 + 3.5 h = 12:00
    assert.equal(local(cal.addWorkingHours(at('2026-11-27T16:00'), 5)), '2026-11-30 12:00');
  });

  it('works on a make-up Saturday and skips the holiday after it', () => {
    // Sat 14 Feb 2026 is a working day; after it the Spring Festival runs to Mon 23 Feb.
    assert.equal(local(cal.addWorkingHours(at('2026-02-14T16:30'), 2)), '2026-02-24 09:30');
  });

  it('crosses National Day: Wed 30 Sep 17:00 + 1 h is Thu 8 Oct 09:00', () => {
    assert.equal(local(cal.addWorkingHours(at('2026-09-30T17:00'), 1)), '2026-10-08 09:00');
  });

  it('measures working time between instants', () => {
    const ms = cal.workingMsBetween(at('2026-11-27T16:00'), at('2026-11-30T10:30'));
    assert.equal(ms / 60_000, 90 + 120);
  });

  it('rejects impossible input', () => {
    assert.throws(() => cal.addWorkingDays('2026-02-30', 1), RangeError);
    assert.throws(() => cal.addWorkingDays('2026-02-10', -1), RangeError);
    assert.throws(() => cal.addWorkingHours(0, Number.NaN), RangeError);
  });
});
