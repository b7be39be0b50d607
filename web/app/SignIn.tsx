/**
 * Signing in to the super app (password by ID number, mobile or credit code; or a code sent by
 * SMS) and registering: a resident by ID number and name, checked against the population
 * database; an enterprise by credit code with its legal representative. Every refusal is shown in
 * words beside the field it concerns.
 */
import { Button, Form, Input, Tabs } from 'antd-mobile';
import { useEffect, useState } from 'react';
import { ApiError, problemText } from '../shared/api';
import { LangSwitch } from '../shared/auth';
import { useI18n } from '../shared/i18n';
import { type Account, registerEnterprise, registerResident, sendCode, signIn, signInWithCode } from './people';
import { localElder, setLocalElder } from './shell';

/** The problem's words for one field, from its pointer (e.g. /body/idNumber). */
function fieldError(err: unknown, field: string): string | undefined {
  if (!(err instanceof ApiError)) return undefined;
  const hit = err.problem.errors?.find((e) => e.pointer === `/body/${field}`);
  if (!hit) return undefined;
  return typeof hit.detail === 'string' ? hit.detail : undefined;
}

/** Sends a code and counts down to when another may be asked for. */
function CodeButton({ phone, purpose, testId }: { phone: string; purpose: 'register' | 'login'; testId: string }) {
  const { t } = useI18n();
  const [wait, setWait] = useState(0);
  const [note, setNote] = useState<string | null>(null);
  useEffect(() => {
    if (wait <= 0) return;
    const h = setTimeout(() => setWait(wait - 1), 1000);
    return () => clearTimeout(h);
  }, [wait]);
  return (
    <>
      <Button
        size="small"
        color="primary"
        fill="outline"
        disabled={wait > 0 || !/^1\d{10}$/.test(phone)}
        data-testid={testId}
        onClick={async () => {
          setNote(null);
          try {
            await sendCode(phone, purpose);
            setWait(60);
            setNote(t('sa.codeSent'));
          } catch (e) {
            setNote(problemText(e));
          }
        }}
      >
        {wait > 0 ? `${wait}s` : t('sa.sendCode')}
      </Button>
      {note && (
        <div className="sa-note" role="status">
          {note}
        </div>
      )}
    </>
  );
}

function PasswordSignIn({ onDone }: { onDone: (a: Account) => void }) {
  const { t } = useI18n();
  const [account, setAccount] = useState('');
  const [password, setPassword] = useState('');
  const [err, setErr] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <Form
      layout="vertical"
      onFinish={async () => {
        setBusy(true);
        setErr(null);
        try {
          onDone(await signIn(account, password));
        } catch (e) {
          setErr(problemText(e));
        } finally {
          setBusy(false);
        }
      }}
      footer={
        <Button block type="submit" color="primary" size="large" loading={busy} data-testid="signin-submit">
          {t('login.submit')}
        </Button>
      }
    >
      <Form.Item label={t('sa.account')} help={t('sa.accountHint')}>
        <Input value={account} onChange={setAccount} autoComplete="username" data-testid="signin-account" aria-label={t('sa.account')} />
      </Form.Item>
      <Form.Item label={t('login.password')}>
        <Input
          type="password"
          value={password}
          onChange={setPassword}
          autoComplete="current-password"
          data-testid="signin-password"
          aria-label={t('login.password')}
        />
      </Form.Item>
      {err && (
        <div className="sa-error" role="alert" data-testid="signin-error">
          {err}
        </div>
      )}
    </Form>
  );
}

function CodeSignIn({ onDone }: { onDone: (a: Account) => void }) {
  const { t } = useI18n();
  const [phone, setPhone] = useState('');
  const [code, setCode] = useState('');
  const [err, setErr] = useState<string | null>(null);
  return (
    <Form
      layout="vertical"
      onFinish={async () => {
        setErr(null);
        try {
          onDone(await signInWithCode(phone, code));
        } catch (e) {
          setErr(problemText(e));
        }
      }}
      footer={
        <Button block type="submit" color="primary" size="large" data-testid="codein-submit">
          {t('login.submit')}
        </Button>
      }
    >
      <Form.Item label={t('sa.phone')} extra={<CodeButton phone={phone} purpose="login" testId="codein-send" />}>
        <Input value={phone} onChange={setPhone} inputMode="numeric" maxLength={11} data-testid="codein-phone" aria-label={t('sa.phone')} />
      </Form.Item>
      <Form.Item label={t('sa.code')}>
        <Input
          value={code}
          onChange={setCode}
          inputMode="numeric"
          maxLength={6}
          autoComplete="one-time-code"
          data-testid="codein-code"
          aria-label={t('sa.code')}
        />
      </Form.Item>
      {err && (
        <div className="sa-error" role="alert">
          {err}
        </div>
      )}
    </Form>
  );
}

function ResidentRegistration({ onDone }: { onDone: (a: Account) => void }) {
  const { t } = useI18n();
  const [f, setF] = useState({ idNumber: '', name: '', phone: '', code: '', password: '' });
  const [err, setErr] = useState<unknown>(null);
  const set = (k: keyof typeof f) => (v: string) => setF({ ...f, [k]: v });
  return (
    <Form
      layout="vertical"
      onFinish={async () => {
        setErr(null);
        try {
          onDone(await registerResident(f));
        } catch (e) {
          setErr(e);
        }
      }}
      footer={
        <Button block type="submit" color="primary" size="large" data-testid="register-submit">
          {t('sa.registerVerify')}
        </Button>
      }
    >
      <Form.Item label={t('sa.idNumber')} help={fieldError(err, 'idNumber')}>
        <Input value={f.idNumber} onChange={set('idNumber')} maxLength={18} data-testid="register-id" aria-label={t('sa.idNumber')} />
      </Form.Item>
      <Form.Item label={t('sa.name')}>
        <Input value={f.name} onChange={set('name')} maxLength={50} data-testid="register-name" aria-label={t('sa.name')} />
      </Form.Item>
      <Form.Item label={t('sa.phone')} extra={<CodeButton phone={f.phone} purpose="register" testId="register-send" />}>
        <Input value={f.phone} onChange={set('phone')} inputMode="numeric" maxLength={11} data-testid="register-phone" aria-label={t('sa.phone')} />
      </Form.Item>
      <Form.Item label={t('sa.code')} help={fieldError(err, 'code')}>
        <Input value={f.code} onChange={set('code')} inputMode="numeric" maxLength={6} data-testid="register-code" aria-label={t('sa.code')} />
      </Form.Item>
      <Form.Item label={t('login.password')} help={fieldError(err, 'password') ?? t('sa.passwordHint')}>
        <Input
          type="password"
          value={f.password}
          onChange={set('password')}
          autoComplete="new-password"
          data-testid="register-password"
          aria-label={t('login.password')}
        />
      </Form.Item>
      {err !== null && (
        <div className="sa-error" role="alert" data-testid="register-error">
          {problemText(err)}
        </div>
      )}
      <p className="sa-fine">{t('sa.registerPrivacy')}</p>
    </Form>
  );
}

function EnterpriseRegistration({ onDone }: { onDone: (a: Account) => void }) {
  const { t } = useI18n();
  const [f, setF] = useState({ creditCode: '', name: '', repId: '', repName: '', phone: '', code: '', password: '' });
  const [err, setErr] = useState<unknown>(null);
  const set = (k: keyof typeof f) => (v: string) => setF({ ...f, [k]: v });
  return (
    <Form
      layout="vertical"
      onFinish={async () => {
        setErr(null);
        try {
          onDone(
            await registerEnterprise({
              creditCode: f.creditCode,
              name: f.name,
              legalRepresentative: { idNumber: f.repId, name: f.repName },
              phone: f.phone,
              code: f.code,
              password: f.password,
            }),
          );
        } catch (e) {
          setErr(e);
        }
      }}
      footer={
        <Button block type="submit" color="primary" size="large" data-testid="enterprise-submit">
          {t('sa.registerVerify')}
        </Button>
      }
    >
      <Form.Item label={t('sa.creditCode')} help={fieldError(err, 'creditCode')}>
        <Input value={f.creditCode} onChange={set('creditCode')} maxLength={18} aria-label={t('sa.creditCode')} />
      </Form.Item>
      <Form.Item label={t('sa.entityName')}>
        <Input value={f.name} onChange={set('name')} aria-label={t('sa.entityName')} />
      </Form.Item>
      <Form.Item label={t('sa.repId')} help={fieldError(err, 'legalRepresentative/idNumber')}>
        <Input value={f.repId} onChange={set('repId')} maxLength={18} aria-label={t('sa.repId')} />
      </Form.Item>
      <Form.Item label={t('sa.repName')}>
        <Input value={f.repName} onChange={set('repName')} aria-label={t('sa.repName')} />
      </Form.Item>
      <Form.Item label={t('sa.phone')} extra={<CodeButton phone={f.phone} purpose="register" testId="enterprise-send" />}>
        <Input value={f.phone} onChange={set('phone')} inputMode="numeric" maxLength={11} aria-label={t('sa.phone')} />
      </Form.Item>
      <Form.Item label={t('sa.code')}>
        <Input value={f.code} onChange={set('code')} inputMode="numeric" maxLength={6} aria-label={t('sa.code')} />
      </Form.Item>
      <Form.Item label={t('login.password')} help={t('sa.passwordHint')}>
        <Input type="password" value={f.password} onChange={set('password')} autoComplete="new-password" aria-label={t('login.password')} />
      </Form.Item>
      {err !== null && (
        <div className="sa-error" role="alert">
          {problemText(err)}
        </div>
      )}
    </Form>
  );
}

export function SignIn({ onSignedIn }: { onSignedIn: (a: Account) => void }) {
  const { t } = useI18n();
  const [mode, setMode] = useState<'signin' | 'register'>(window.location.pathname.endsWith('/register') ? 'register' : 'signin');
  const [elder, setElder] = useState(localElder());
  return (
    <div className="sa-signin">
      <header className="sa-signin-head">
        <div className="sa-signin-brand">{t('app.app')}</div>
        <div className="sa-signin-tools">
          <button
            type="button"
            className="sa-chip"
            aria-pressed={elder}
            onClick={() => {
              setLocalElder(!elder);
              setElder(!elder);
            }}
            data-testid="elder-toggle"
          >
            {t('sa.elder')}
          </button>
          <LangSwitch />
        </div>
      </header>
      <section className="sa-card">
        {mode === 'signin' ? (
          <>
            <Tabs key="signin" defaultActiveKey="password">
              <Tabs.Tab title={t('sa.byPassword')} key="password">
                <PasswordSignIn onDone={onSignedIn} />
              </Tabs.Tab>
              <Tabs.Tab title={t('sa.byCode')} key="code">
                <CodeSignIn onDone={onSignedIn} />
              </Tabs.Tab>
            </Tabs>
            <Button block fill="none" color="primary" onClick={() => setMode('register')} data-testid="go-register">
              {t('sa.noAccount')}
            </Button>
          </>
        ) : (
          <>
            <Tabs key="register" defaultActiveKey="resident">
              <Tabs.Tab title={t('sa.resident')} key="resident">
                <ResidentRegistration onDone={onSignedIn} />
              </Tabs.Tab>
              <Tabs.Tab title={t('sa.enterprise')} key="enterprise">
                <EnterpriseRegistration onDone={onSignedIn} />
              </Tabs.Tab>
            </Tabs>
            <Button block fill="none" color="primary" onClick={() => setMode('signin')}>
              {t('sa.haveAccount')}
            </Button>
          </>
        )}
      </section>
      <p className="sa-fine sa-center">
        <a href="/app/verify">{t('app.svc.verify')}</a> · <a href="/app/kiosk">{t('sa.kiosk')}</a> · <a href="/console">{t('sa.staffEntry')}</a>
      </p>
    </div>
  );
}
