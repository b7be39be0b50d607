/** Shapes and small pieces the early-warning screens share: alerts, evidence, rules, the level tag. */
import { Tag } from 'antd';
import type { AlertDetail, AlertEvidence, AlertView } from '../../../../modules/warning/index.js';
import { useI18n } from '../../../shared/i18n';

export type Label = { zh: string; en: string };

// The alert shapes are the server's (modules/warning/warning.schemas.ts), imported type-only.
export type AlertRow = AlertView;
export type Evidence = AlertEvidence;
export type { AlertDetail };

export const STATUS_COLOUR: Record<string, string> = { raised: 'red', acknowledged: 'orange', resolved: 'green', closed: 'default' };
/** What happened to an alert, as its timeline says it. */
export const ACTION_LABEL: Record<string, Label> = {
  raised: { zh: '发布预警', en: 'Raised' },
  predicted: { zh: '发布预测预警', en: 'Predicted' },
  confirmed: { zh: '预测已成为实况', en: 'Prediction came true' },
  level_raised: { zh: '预警升级', en: 'Level raised' },
  level_lowered: { zh: '预警降级', en: 'Level lowered' },
  cleared: { zh: '条件解除', en: 'Condition cleared' },
  reopened: { zh: '再次触发', en: 'Raised again' },
  flapping: { zh: '频繁波动', en: 'Flapping' },
  acknowledged: { zh: '确认', en: 'Acknowledged' },
  comment: { zh: '备注', en: 'Comment' },
  resolved: { zh: '处置完毕', en: 'Resolved' },
  closed: { zh: '关闭', en: 'Closed' },
  escalated: { zh: '超时升级通知', en: 'Escalated' },
  notify_failed: { zh: '通知失败', en: 'Notification failed' },
};

export function LevelTag({ a }: { a: Pick<AlertRow, 'level' | 'levelLabel' | 'colour'> }) {
  const { n } = useI18n();
  return (
    <Tag color={a.colour} style={{ color: a.level === 3 ? '#333' : '#fff', fontWeight: 600 }} data-testid="level-tag">
      {n(a.levelLabel)}
    </Tag>
  );
}

export type Cond = Record<string, unknown> & { kind: string };
export interface RuleDef {
  name: Label;
  description?: string;
  source: string;
  owner: string;
  task: string;
  scope: { types?: string[]; districts?: string[]; tags?: string[]; devices?: string[] };
  levels: { level: number; condition: Cond }[];
  notify?: string[];
  routing?: 'matrix' | 'device';
  clearAfterSeconds?: number;
}
export interface Rule extends RuleDef {
  id: string;
  version: number;
  enabled: boolean;
  status: string;
  suspendedReason: string | null;
  faults: { subject: string; fault: string }[];
}
