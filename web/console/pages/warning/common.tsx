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
export const ACTION_ZH: Record<string, string> = {
  raised: '发布预警',
  predicted: '发布预测预警',
  confirmed: '预测已成为实况',
  level_raised: '预警升级',
  level_lowered: '预警降级',
  cleared: '条件解除',
  reopened: '再次触发',
  flapping: '频繁波动',
  acknowledged: '确认',
  comment: '备注',
  resolved: '处置完毕',
  closed: '关闭',
  escalated: '超时升级通知',
  notify_failed: '通知失败',
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
