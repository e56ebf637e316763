import { useState } from 'react';
import type { FormEvent } from 'react';
import { Link } from 'react-router-dom';
import { api, ApiError } from '../api';
import { knownCalendar } from '../calendar';
import { ErrorText, Field, Loading, Notice } from '../components';
import { fieldOf } from '../errors';
import { dateTime, statusName, today } from '../format';
import type { Target } from '../types';
import { TargetTable } from './Target';

/** GET /audit/verify: the hash chains walked, compared with the last signed anchor. */
interface VerifyResult {
  readonly ok: boolean;
  readonly checked: number;
  readonly broken: {
    position: string | null;
    streamId: string;
    version: number;
    type: string;
    reason: string;
  }[];
  readonly brokenTotal?: number;
  readonly anchor: { id: string; signedAt: string; streams: number } | null;
  readonly anchored: { id: string; signedAt: string; streams: number } | null;
}

/** 完整性校验: proves nothing in the trail was altered, or lists what was (the reasons are Chinese). */
export function VerifyCard({ names }: { names: Record<string, string> }) {
  const [targetId, setTargetId] = useState('');
  const [result, setResult] = useState<VerifyResult | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function run(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      const query = { targetId: targetId.trim() || undefined };
      setResult(await api<VerifyResult>('/audit/verify', { query }));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="card" onSubmit={run} noValidate aria-labelledby="verify-title">
      <h2 id="verify-title">完整性校验</h2>
      <p className="hint">
        逐条核对事件的哈希链，并与最近一次签名的锚点比对，证明审计记录未被修改或删除。
      </p>
      <div className="form-grid">
        <Field id="verify-target" className="field-wide" label="目标编号（不填则校验全部记录）">
          <input
            id="verify-target"
            value={targetId}
            placeholder="2022-314001-13030322P00391410001H"
            onChange={(e) => setTargetId(e.target.value)}
          />
        </Field>
      </div>
      <div className="actions">
        <button type="submit" className="btn btn-primary" disabled={busy}>
          开始校验
        </button>
      </div>
      {busy && <Loading what="校验中…" />}
      <ErrorText error={error} />
      {result && <VerifyAnswer r={result} names={names} />}
    </form>
  );
}

function VerifyAnswer({ r, names }: { r: VerifyResult; names: Record<string, string> }) {
  const anchor = r.anchored ?? r.anchor;
  const anchorText = r.anchored
    ? `本次校验已签名新的锚点（${dateTime(r.anchored.signedAt)}，${r.anchored.streams} 个事件流）。`
    : anchor
      ? `已与 ${dateTime(anchor.signedAt)} 签名的锚点比对。`
      : '尚无签名锚点。';
  if (r.ok)
    return (
      <Notice>
        校验通过：共校验 {r.checked} 条事件，未发现篡改。{anchorText}
      </Notice>
    );
  return (
    <div className="banner banner-error" role="alert">
      <strong>
        校验未通过：共校验 {r.checked} 条事件，发现 {r.brokenTotal ?? r.broken.length} 处问题。
      </strong>
      <span> {anchorText}</span>
      <div className="scroll-x">
        <table className="grid compact">
          <thead>
            <tr>
              <th>事件流</th>
              <th>版本</th>
              <th>事件类型</th>
              <th>问题</th>
            </tr>
          </thead>
          <tbody>
            {r.broken.map((b, i) => (
              <tr key={i}>
                <td className="mono small">{b.streamId}</td>
                <td className="num">{b.version}</td>
                <td>{b.type ? (names[b.type] ?? b.type) : '整个事件流'}</td>
                <td>{b.reason}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

/** "This target as it was on date D": the 绩效目标表 rebuilt from its events up to the end of D. */
export function AsOfCard() {
  const [targetId, setTargetId] = useState('');
  const [day, setDay] = useState(knownCalendar()?.today ?? today());
  const [shown, setShown] = useState<{ t: Target; day: string } | null>(null);
  const [errors, setErrors] = useState<{ targetId?: unknown; asOf?: unknown; other?: unknown }>({});
  const [busy, setBusy] = useState(false);

  async function show(e: FormEvent) {
    e.preventDefault();
    const id = targetId.trim();
    if (!id || !day) {
      setErrors({
        targetId: id ? undefined : '请填写目标编号',
        asOf: day ? undefined : '请选择日期',
      });
      return;
    }
    setBusy(true);
    setErrors({});
    setShown(null);
    try {
      const t = await api<Target>(`/targets/${encodeURIComponent(id)}`, { query: { asOf: day } });
      setShown({ t, day });
    } catch (err) {
      const f = fieldOf(err);
      // a target that did not exist yet on that day is a 404 like a wrong number
      if (err instanceof ApiError && err.code === 'TARGET_NOT_FOUND')
        setErrors({ other: `截至 ${day} 日终没有目标 ${id}：当时尚未创建，或编号有误` });
      else if (f === 'asOf') setErrors({ asOf: err });
      else if (f === 'id') setErrors({ targetId: err });
      else setErrors({ other: err });
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="card" aria-labelledby="asof-title">
      <form onSubmit={show} noValidate aria-label="查看历史版本">
        <h2 id="asof-title">目标的历史状态</h2>
        <p className="hint">按事件记录还原某一日期当天结束时的绩效目标表。</p>
        <div className="form-grid">
          <Field id="asof-target" className="field-wide" label="目标编号" error={errors.targetId}>
            <input
              id="asof-target"
              value={targetId}
              placeholder="2022-314001-13030322P00391410001H"
              onChange={(e) => setTargetId(e.target.value)}
              aria-invalid={!!errors.targetId}
            />
          </Field>
          <Field id="asof-date" label="截至日期" error={errors.asOf}>
            <input
              id="asof-date"
              type="date"
              value={day}
              onChange={(e) => setDay(e.target.value)}
              aria-invalid={!!errors.asOf}
            />
          </Field>
        </div>
        <div className="actions">
          <button type="submit" className="btn btn-primary" disabled={busy}>
            查看
          </button>
        </div>
        <ErrorText error={errors.other} />
      </form>
      {shown && (
        <div className="asof-view">
          <Notice>
            以下是“{shown.t.projectName}”截至 {shown.day} 日终的状态：第 {shown.t.version} 版，
            {statusName(shown.t.status)}，最后变更于{' '}
            {dateTime((shown.t as Target & { updatedAt?: string }).updatedAt)}。
            <Link to={`/targets/${encodeURIComponent(shown.t.id)}`}>查看当前版本</Link>
          </Notice>
          <TargetTable t={shown.t} />
        </div>
      )}
    </div>
  );
}
