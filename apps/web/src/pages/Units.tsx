import { useState } from 'react';
import type { FormEvent } from 'react';
import { api } from '../api';
import { ErrorText, Field, Loading, Notice, PageError, useLoad, useTitle } from '../components';
import { fieldOf } from '../errors';

interface Head {
  userId: string;
  name: string;
  email?: string;
  webhookUrl?: string;
}

interface Unit {
  readonly code: string;
  readonly name: string;
  readonly departmentCode: string;
  readonly heads: Head[];
  readonly targets: number;
}

interface TestDelivery {
  readonly channel: 'email' | 'webhook';
  readonly address: string;
  readonly status: 'delivered' | 'failed';
  readonly statusCode: number | null;
  readonly error?: string;
}

const CHANNEL = { webhook: '群机器人', email: '电子邮件' } as const;

/** 单位负责人: each unit's heads and the channels their alerts go out on, with a test message each. */
export function UnitsPage() {
  useTitle('单位负责人');
  const units = useLoad(() => api<{ items: Unit[] }>('/units'), []);
  const [notice, setNotice] = useState<string | null>(null);
  const [editing, setEditing] = useState<string | null>(null);
  return (
    <section>
      <div className="page-head">
        <div>
          <h1>单位负责人</h1>
          <p className="muted small">
            预警发给各单位的负责人：站内消息总会送达；另填电子邮箱或钉钉/企业微信群机器人地址的，也经这些渠道发送。
          </p>
        </div>
      </div>
      {notice && <Notice>{notice}</Notice>}
      <PageError error={units.error} />
      {units.loading && !units.data && <Loading />}
      {units.data?.items.length === 0 && (
        <p className="empty">还没有单位：导入绩效目标文档后，文档中的单位会列在这里。</p>
      )}
      {units.data?.items.map((u) =>
        editing === u.code ? (
          <UnitForm
            key={u.code}
            unit={u}
            onCancel={() => setEditing(null)}
            onSaved={() => {
              setEditing(null);
              setNotice(`已保存 ${u.code} 的单位负责人`);
              units.reload();
            }}
          />
        ) : (
          <UnitCard
            key={u.code}
            unit={u}
            onEdit={() => {
              setNotice(null);
              setEditing(u.code);
            }}
          />
        ),
      )}
    </section>
  );
}

function UnitCard({ unit, onEdit }: { unit: Unit; onEdit: () => void }) {
  return (
    <article className="card" aria-label={`${unit.code} ${unit.name}`}>
      <div className="page-head">
        <div>
          <h2>
            <span className="mono">{unit.code}</span> {unit.name}
          </h2>
          <p className="muted small">
            部门 {unit.departmentCode} · 目标 {unit.targets} 个
          </p>
        </div>
        <button type="button" className="btn" onClick={onEdit}>
          编辑负责人
        </button>
      </div>
      {unit.heads.length === 0 ? (
        <p className="warn-text small">未设置单位负责人：本单位的预警暂无人接收。</p>
      ) : (
        unit.heads.map((h) => <HeadView key={h.userId} unit={unit.code} head={h} />)
      )}
    </article>
  );
}

function HeadView({ unit, head }: { unit: string; head: Head }) {
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<TestDelivery[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const hasChannel = !!(head.email || head.webhookUrl);

  async function test() {
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      const path = `/units/${unit}/heads/${encodeURIComponent(head.userId)}/test-message`;
      setResult((await api<{ deliveries: TestDelivery[] }>(path, { method: 'POST' })).deliveries);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="subform" aria-label={`负责人 ${head.name}`}>
      <div className="page-head">
        <div>
          <strong>{head.name}</strong> <span className="mono muted small">{head.userId}</span>
          <div className="small">电子邮箱：{head.email || <span className="muted">未填</span>}</div>
          <div className="small break">
            群机器人：{head.webhookUrl || <span className="muted">未填</span>}
          </div>
        </div>
        <button
          type="button"
          className="btn btn-small"
          disabled={busy || !hasChannel}
          title={hasChannel ? undefined : '请先填写电子邮箱或群机器人地址'}
          onClick={() => void test()}
        >
          {busy ? '发送中…' : '发送测试消息'}
        </button>
      </div>
      <ErrorText error={error} />
      {result && (
        <ul className="plain small" role="status" aria-label={`${head.name} 的测试结果`}>
          {result.map((d) => (
            <li key={d.channel} className={d.status === 'delivered' ? '' : 'error'}>
              {CHANNEL[d.channel]}：{d.status === 'delivered' ? '已送达' : '发送失败'}
              {d.statusCode !== null &&
                `（${d.channel === 'webhook' ? 'HTTP ' : '代码 '}${d.statusCode}）`}
              {d.error && `：${d.error}`}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

const blankHead = (): Head => ({ userId: '', name: '', email: '', webhookUrl: '' });

function UnitForm(props: { unit: Unit; onCancel: () => void; onSaved: () => void }) {
  const [name, setName] = useState(props.unit.name);
  const [heads, setHeads] = useState<Head[]>(
    props.unit.heads.length ? props.unit.heads.map((h) => ({ ...h })) : [blankHead()],
  );
  const [errors, setErrors] = useState<Record<string, unknown>>({});
  const [busy, setBusy] = useState(false);
  const code = props.unit.code;

  const setHead = (i: number, patch: Partial<Head>) =>
    setHeads(heads.map((h, j) => (j === i ? { ...h, ...patch } : h)));

  function check(): Record<string, string> {
    const fe: Record<string, string> = {};
    if (!name.trim()) fe.name = '请填写单位名称';
    heads.forEach((h, i) => {
      if (!h.userId.trim()) fe[`heads.${i}.userId`] = '请填写账号';
      if (!h.name.trim()) fe[`heads.${i}.name`] = '请填写姓名';
    });
    return fe;
  }

  async function save(e: FormEvent) {
    e.preventDefault();
    const fe = check();
    setErrors(fe);
    if (Object.keys(fe).length) return;
    setBusy(true);
    try {
      const body = {
        name: name.trim(),
        heads: heads.map((h) => ({
          userId: h.userId.trim(),
          name: h.name.trim(),
          ...(h.email?.trim() ? { email: h.email.trim() } : {}),
          ...(h.webhookUrl?.trim() ? { webhookUrl: h.webhookUrl.trim() } : {}),
        })),
      };
      await api(`/units/${code}`, { method: 'PUT', body });
      props.onSaved();
    } catch (err) {
      const f = fieldOf(err);
      setErrors(f ? { [f]: err } : { form: err });
    } finally {
      setBusy(false);
    }
  }

  const input = (i: number, key: keyof Head, label: string, type = 'text') => {
    const id = `head-${code}-${i}-${key}`;
    const err = errors[`heads.${i}.${key}`];
    return (
      <Field id={id} label={label} error={err}>
        <input
          id={id}
          type={type}
          autoComplete="off"
          value={heads[i][key] ?? ''}
          onChange={(e) => setHead(i, { [key]: e.target.value })}
          aria-invalid={!!err}
        />
      </Field>
    );
  };

  return (
    <form className="card" onSubmit={save} noValidate aria-label={`编辑 ${code} 的单位负责人`}>
      <h2>
        编辑 <span className="mono">{code}</span> 的单位负责人
      </h2>
      <Field id={`unit-name-${code}`} label="单位名称" error={errors.name}>
        <input
          id={`unit-name-${code}`}
          value={name}
          onChange={(e) => setName(e.target.value)}
          aria-invalid={!!errors.name}
        />
      </Field>
      {heads.map((_, i) => (
        <fieldset key={i} className="subform">
          <legend>负责人 {i + 1}</legend>
          <div className="form-grid">
            {input(i, 'userId', '账号')}
            {input(i, 'name', '姓名')}
            {input(i, 'email', '电子邮箱（选填）', 'email')}
            {input(i, 'webhookUrl', '钉钉/企业微信群机器人地址（选填）', 'url')}
          </div>
          <button
            type="button"
            className="btn btn-small btn-danger-quiet"
            onClick={() => setHeads(heads.filter((__, j) => j !== i))}
          >
            移除负责人 {i + 1}
          </button>
        </fieldset>
      ))}
      <ErrorText error={errors.heads ?? errors.form} />
      <div className="actions">
        <button type="button" className="btn" onClick={() => setHeads([...heads, blankHead()])}>
          添加负责人
        </button>
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {busy ? '保存中…' : '保存'}
        </button>
        <button type="button" className="btn btn-quiet" onClick={props.onCancel}>
          取消
        </button>
      </div>
      <p className="muted small">保存后可对每位负责人“发送测试消息”，确认各渠道能收到预警。</p>
    </form>
  );
}
