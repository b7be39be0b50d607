/**
 * An incident's timeline in words, in both languages: each entry is rendered from its kind and
 * data by the templates here, with the words people typed (a reason, a report, a comment) kept
 * as they wrote them. The stored `text` is what an older entry falls back to.
 */
import { ROLE_LABELS, type Role } from '../../platform/auth/roles.js';
import type { Text } from '../../platform/i18n/index.js';

const ROMAN = ['', 'Ⅰ', 'Ⅱ', 'Ⅲ', 'Ⅳ'];
const SOURCES: Record<string, Text> = {
  phone: { zh: '电话', en: 'phone' },
  report: { zh: '报告', en: 'report' },
  alert: { zh: '预警', en: 'an alert' },
  api: { zh: '系统接入', en: 'a connected system' },
};

export interface TimelineNames {
  task(id: string): Text | undefined;
  unit(code: string): Text | undefined;
}

/** The kinds of timeline entries, named for a review's table and for filters. */
export const TIMELINE_KINDS: Record<string, Text> = {
  reported: { zh: '上报', en: 'Reported' },
  activated: { zh: '启动响应', en: 'Response launched' },
  level_raised: { zh: '升级响应', en: 'Level raised' },
  level_lowered: { zh: '降级响应', en: 'Level lowered' },
  ended: { zh: '结束响应', en: 'Response ended' },
  task_dispatched: { zh: '派发任务', en: 'Task dispatched' },
  task_accepted: { zh: '接收任务', en: 'Task accepted' },
  task_reported: { zh: '报告进展', en: 'Progress reported' },
  task_completed: { zh: '完成任务', en: 'Task completed' },
  task_cancelled: { zh: '取消任务', en: 'Task cancelled' },
  task_escalated: { zh: '超时督办', en: 'Task overdue' },
};

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v : undefined);
const label = (v: unknown): Text | undefined =>
  v && typeof v === 'object' && typeof (v as Text).zh === 'string' && typeof (v as Text).en === 'string' ? (v as Text) : undefined;
/** An entry in words: the platform's part, in both languages, and the words a person typed, as typed. */
export interface TimelineWords {
  lead: Text;
  words: string | null;
}
const after = (words: string | undefined, zh: string, en: string): TimelineWords => ({ lead: { zh, en }, words: words ?? null });

/** The entry as one text: the lead, then the person's words after a colon. */
export function timelineText(kind: string, text: string | null, data: Record<string, unknown> | null, names: TimelineNames): Text {
  const { lead, words } = timelineWords(kind, text, data, names);
  if (!words) return lead;
  return { zh: lead.zh ? `${lead.zh}：${words}` : words, en: lead.en ? `${lead.en}: ${words}` : words };
}

export function timelineWords(kind: string, text: string | null, data: Record<string, unknown> | null, names: TimelineNames): TimelineWords {
  const d = data ?? {};
  const task = typeof d.taskId === 'string' ? names.task(d.taskId) : undefined;
  const fallback: TimelineWords = { lead: { zh: '', en: '' }, words: text };
  switch (kind) {
    case 'reported': {
      const src = SOURCES[String(d.source)] ?? SOURCES.report!;
      return after(text ?? undefined, `经${src.zh}上报`, `Reported by ${src.en}`);
    }
    case 'activated': {
      const plan = label(d.planTitle);
      const lv = ROMAN[Number(d.level)] ?? '';
      return plan ? after(undefined, `启动《${plan.zh}》${lv}级响应`, `${plan.en}: level ${lv} response launched`) : fallback;
    }
    case 'level_raised':
    case 'level_lowered': {
      const from = ROMAN[Number(d.from)] ?? '';
      const to = ROMAN[Number(d.to)] ?? '';
      const up = kind === 'level_raised';
      return after(str(d.reason), `响应级别由${from}级${up ? '升至' : '降至'}${to}级`, `Response ${up ? 'raised' : 'lowered'} from level ${from} to ${to}`);
    }
    case 'ended':
      return after(text ?? undefined, '结束响应', 'Response ended');
    case 'task_dispatched':
      return task ? after(undefined, `派发任务「${task.zh}」`, `Task dispatched: “${task.en}”`) : fallback;
    case 'task_accepted':
      return task ? after(str(d.comment), `接收任务「${task.zh}」`, `Accepted “${task.en}”`) : fallback;
    case 'task_completed':
      return task ? after(str(d.comment), `完成任务「${task.zh}」`, `Completed “${task.en}”`) : fallback;
    case 'task_reported':
      return task ? after(text ?? undefined, `「${task.zh}」进展`, `Progress on “${task.en}”`) : fallback;
    case 'task_cancelled': {
      const why = label(d.reason);
      if (!task || !why) return fallback;
      return after(undefined, `取消任务「${task.zh}」：${why.zh}`, `Cancelled “${task.en}”: ${why.en}`);
    }
    case 'task_escalated': {
      if (!task) return fallback;
      // Who was told: the roles escalation reached (the unit's leader, the duty officer).
      const notify = (Array.isArray(d.notify) ? (d.notify as string[]) : []).map((c) => ROLE_LABELS[c as Role] ?? names.unit(c) ?? { zh: c, en: c });
      const accepted = d.state === 'accepted';
      return after(
        undefined,
        `任务「${task.zh}」超时未${accepted ? '完成' : '接收'}，已督办${notify.length ? `：${notify.map((n) => n.zh).join('、')}` : ''}`,
        `“${task.en}” overdue (not ${accepted ? 'completed' : 'accepted'}), escalated${notify.length ? ` to ${notify.map((n) => n.en).join(', ')}` : ''}`,
      );
    }
    default:
      return fallback;
  }
}
