import { useState } from 'react';
import type { FormEvent } from 'react';
import { Link } from 'react-router-dom';
import { api } from '../api';
import { ErrorText, Field, Notice, ReasonConfirmForm, useTitle } from '../components';
import { fieldOf } from '../errors';
import { currentFiscalYear } from '../calendar';
import { statusName, wanYuan, yuan } from '../format';
import type { ImportReport, ImportWithdrawal } from '../types';

const OUTCOMES: Record<string, string> = {
  created: '新建',
  revised: '修订',
  unchanged: '未变',
  conflict: '冲突',
};

export function ImportPage() {
  useTitle('导入');
  const [file, setFile] = useState<File | null>(null);
  const [year, setYear] = useState(String(currentFiscalYear()));
  const [preview, setPreview] = useState<ImportReport | null>(null);
  const [result, setResult] = useState<ImportReport | null>(null);
  const [errors, setErrors] = useState<{ file?: unknown; year?: unknown; form?: unknown }>({});
  const [busy, setBusy] = useState(false);

  async function post(dryRun: boolean): Promise<ImportReport | null> {
    const fe: typeof errors = {};
    if (!file) fe.file = '请选择 Word 文档（.docx 或 .doc）或 .txt 文本';
    // .doc and WPS files are converted by the server when LibreOffice is installed (otherwise a 415 says so)
    else if (!/\.(txt|docx|doc|wps|odt|rtf)$/i.test(file.name))
      fe.file = '只支持 .docx、.doc、.wps、.odt、.rtf 或 .txt 文件';
    if (!/^\d{4}$/.test(year)) fe.year = `请输入四位年度，例如 ${currentFiscalYear()}`;
    setErrors(fe);
    if (fe.file || fe.year) return null;
    const body = new FormData();
    body.append('file', file!, file!.name);
    setBusy(true);
    try {
      return await api<ImportReport>('/imports', {
        method: 'POST',
        query: { fiscalYear: year, dryRun: dryRun ? 'true' : undefined },
        body,
      });
    } catch (e) {
      const f = fieldOf(e);
      if (f === 'fiscalYear') setErrors({ year: e });
      else if (f === 'file') setErrors({ file: e });
      else setErrors({ form: e });
      return null;
    } finally {
      setBusy(false);
    }
  }

  async function check(e: FormEvent) {
    e.preventDefault();
    setResult(null);
    setPreview(null);
    setPreview(await post(true));
  }

  async function commit() {
    const r = await post(false);
    if (r) {
      setResult(r);
      setPreview(null);
    }
  }

  return (
    <section>
      <div className="page-head">
        <h1>导入绩效目标文档</h1>
      </div>
      <form className="card" onSubmit={check} noValidate aria-label="导入文档">
        <p className="muted small">
          上传部门的绩效目标文档（Word 或 WPS 文档 .docx、.doc、.wps，或 Word 另存的 .txt
          文本）。先预检，核对结果后再确认导入；已送审或已批复的目标不会被改动，列为冲突。
        </p>
        <div className="form-grid">
          <Field id="import-file" label="文档文件" error={errors.file} className="field-wide">
            <input
              id="import-file"
              className="file-input"
              type="file"
              accept=".txt,.docx,.doc,.wps,.odt,.rtf,text/plain,application/msword,application/vnd.openxmlformats-officedocument.wordprocessingml.document"
              onChange={(e) => {
                setFile(e.target.files?.[0] ?? null);
                setPreview(null);
                setResult(null);
              }}
              aria-invalid={!!errors.file}
            />
            {/* the browser's own picker says "Choose File": a Chinese button stands in for it */}
            <div className="file-picker">
              <label htmlFor="import-file" className="btn">
                选择文件
              </label>
              <span className="file-name">{file ? file.name : '未选择文件'}</span>
            </div>
          </Field>
          <Field id="import-year" label="年度" error={errors.year}>
            <input
              id="import-year"
              type="number"
              min={2000}
              max={2099}
              value={year}
              onChange={(e) => {
                setYear(e.target.value);
                setPreview(null);
              }}
              aria-invalid={!!errors.year}
              className="w-year"
            />
          </Field>
        </div>
        <ErrorText error={errors.form} />
        {preview && <Warnings warnings={preview.warnings} />}
        <div className="actions">
          <button type="submit" className="btn" disabled={busy}>
            预检
          </button>
          {preview && (
            <button type="button" className="btn btn-primary" disabled={busy} onClick={commit}>
              {preview.warnings?.length ? '已核对警告，确认导入' : '确认导入'}
            </button>
          )}
        </div>
      </form>
      {preview && <Report r={preview} title="预检结果（尚未写入）" />}
      {result && (
        <>
          <Notice>
            导入完成：新建 {result.created} 个，修订 {result.revised} 个，未变 {result.unchanged} 个
            {result.conflicts.length ? `，冲突 ${result.conflicts.length} 个` : ''}。
            {result.importId && (
              <>
                {' '}
                导入批次号：<span className="mono">{result.importId}</span>
              </>
            )}
          </Notice>
          <Warnings warnings={result.warnings} />
          {result.importId && result.created > 0 && (
            <WithdrawImport importId={result.importId} created={result.created} />
          )}
          <Report r={result} title="导入结果" />
        </>
      )}
    </section>
  );
}

/** Document-level warnings (e.g. the year), in a yellow box that cannot be missed. */
function Warnings({ warnings }: { warnings?: string[] }) {
  if (!warnings || warnings.length === 0) return null;
  return (
    <div className="banner banner-warn banner-loud" role="alert" aria-label="警告">
      <strong>警告：</strong>请先核对以下问题，再确认导入。
      <ul>
        {warnings.map((w, i) => (
          <li key={i}>{w}</li>
        ))}
      </ul>
    </div>
  );
}

/** 撤销本次导入: withdraws (作废) the drafts this run created; submitted ones are skipped. */
function WithdrawImport({ importId, created }: { importId: string; created: number }) {
  const [open, setOpen] = useState(false);
  const [done, setDone] = useState<ImportWithdrawal | null>(null);

  if (done) return <WithdrawalResult r={done} />;
  if (!open) {
    return (
      <div className="actions">
        <button type="button" className="btn btn-danger" onClick={() => setOpen(true)}>
          撤销本次导入
        </button>
      </div>
    );
  }
  return (
    <ReasonConfirmForm
      id="withdraw-import-reason"
      title="撤销本次导入"
      intro={`本次导入新建了 ${created} 个目标。撤销将把其中仍为草稿的目标作废（已送审的不受影响）；作废不可恢复，审计记录中保留。本次导入修订的已有目标不会被作废。`}
      reasonLabel="撤销原因"
      submitLabel="撤销本次导入"
      confirmLabel="确认撤销"
      question="确定要作废本次导入新建的草稿吗？此操作不可恢复。"
      onCancel={() => setOpen(false)}
      onConfirm={async (reason) => {
        setDone(
          await api<ImportWithdrawal>(`/imports/${encodeURIComponent(importId)}/withdraw`, {
            method: 'POST',
            body: { reason },
          }),
        );
      }}
    />
  );
}

function WithdrawalResult({ r }: { r: ImportWithdrawal }) {
  return (
    <div className="card" role="region" aria-label="撤销结果">
      <h2>撤销结果</h2>
      <Notice>
        已作废 {r.withdrawn.length} 个目标
        {r.skipped.length ? `，跳过 ${r.skipped.length} 个（已不是草稿）` : ''}。
      </Notice>
      {r.withdrawn.length > 0 && (
        <>
          <h3>已作废</h3>
          <ul className="plain mono small">
            {r.withdrawn.map((id) => (
              <li key={id}>{id}</li>
            ))}
          </ul>
        </>
      )}
      {r.skipped.length > 0 && (
        <>
          <h3>已跳过（已送审或已作废，未改动）</h3>
          <ul className="plain">
            {r.skipped.map((s) => (
              <li key={s.id}>
                <Link className="mono" to={`/targets/${encodeURIComponent(s.id)}`}>
                  {s.id}
                </Link>{' '}
                · {statusName(s.status)}
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}

function Report({ r, title }: { r: ImportReport; title: string }) {
  const withProblems = r.targets.filter((t) => t.problems.length > 0);
  return (
    <div className="card" aria-label={title}>
      <h2>{title}</h2>
      <div className="kpis">
        <div className="kpi">
          <div className="kpi-label">新建</div>
          <div className="kpi-value">{r.created}</div>
        </div>
        <div className="kpi">
          <div className="kpi-label">修订</div>
          <div className="kpi-value">{r.revised}</div>
        </div>
        <div className="kpi">
          <div className="kpi-label">未变</div>
          <div className="kpi-value">{r.unchanged}</div>
        </div>
        <div className="kpi">
          <div className="kpi-label">冲突</div>
          <div className="kpi-value">{r.conflicts.length}</div>
        </div>
        <div className="kpi">
          <div className="kpi-label">预算合计（元）</div>
          <div className="kpi-value">{yuan(r.totalBudget)}</div>
          <div className="kpi-sub">{wanYuan(r.totalBudget)} 万元</div>
        </div>
      </div>

      {r.problems.length > 0 && (
        <div className="banner banner-warn" role="note">
          <strong>文档问题：</strong>
          <ul>
            {r.problems.map((p, i) => (
              <li key={i}>{p}</li>
            ))}
          </ul>
        </div>
      )}

      <h3>按单位</h3>
      <div className="scroll-x">
        <table className="grid compact">
          <thead>
            <tr>
              <th>单位编码</th>
              <th>单位名称</th>
              <th className="num">目标数</th>
              <th className="num">预算（元）</th>
              <th className="num">预算（万元）</th>
            </tr>
          </thead>
          <tbody>
            {r.units.map((u) => (
              <tr key={u.code}>
                <td className="mono">{u.code}</td>
                <td>{u.name}</td>
                <td className="num">{u.targets}</td>
                <td className="num">{yuan(u.budget)}</td>
                <td className="num">{wanYuan(u.budget)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      {r.conflicts.length > 0 && (
        <>
          <h3>冲突（目标已送审或批复，文档内容不同，未改动）</h3>
          <ul className="plain">
            {r.conflicts.map((c) => (
              <li key={c.id}>
                第 {c.table} 表 ·{' '}
                <Link className="mono" to={`/targets/${encodeURIComponent(c.id)}`}>
                  {c.id}
                </Link>{' '}
                · {statusName(c.status)}
              </li>
            ))}
          </ul>
        </>
      )}

      <h3>各表情况{withProblems.length > 0 ? `（${withProblems.length} 个表有问题）` : ''}</h3>
      <div className="scroll-x">
        <table className="grid compact">
          <thead>
            <tr>
              <th className="num">表号</th>
              <th>项目名称</th>
              <th className="num">预算（元）</th>
              <th>结果</th>
              <th>问题</th>
            </tr>
          </thead>
          <tbody>
            {r.targets.map((t, i) => (
              <tr key={t.id || i} className={t.problems.length ? 'has-problem' : ''}>
                <td className="num">{t.table ?? i + 1}</td>
                <td>
                  {t.name}
                  <div className="sub mono">{t.id}</div>
                </td>
                <td className="num">{yuan(t.budget)}</td>
                <td className="nowrap">
                  {OUTCOMES[t.outcome ?? ''] ?? t.outcome ?? ''}
                  {t.status ? <div className="sub">{statusName(t.status)}</div> : null}
                </td>
                <td>
                  {t.problems.length === 0 ? (
                    <span className="muted">—</span>
                  ) : (
                    <ul className="plain problems">
                      {t.problems.map((p, j) => (
                        <li key={j}>{p}</li>
                      ))}
                    </ul>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
