import { ParsedDocument } from './target-document.parse';

/** The year a project code carries in its digits 7–8 (`13030322…` is 2022), or null. */
export function projectCodeYear(projectCode: string): number | null {
  const m = /^\d{6}(\d{2})/.exec(projectCode);
  return m ? 2000 + Number(m[1]) : null;
}

/**
 * Document-level warnings about the year, shown before an import is committed: a heading that
 * names another year than the one imported into, a table title or project name of a later year,
 * and project codes of a later year. Earlier years in titles and codes are carried-over money.
 */
export function documentYearWarnings(doc: ParsedDocument, fiscalYear: number): string[] {
  // a project named after an earlier year is carried-over money; a heading of another year is not
  const warnings = doc.years
    .filter((m) => (m.table === null ? m.year !== fiscalYear : m.year > fiscalYear))
    .map((m) =>
      m.table === null
        ? `文件标题「${m.text}」写的是${m.year}年，与导入的预算年度${fiscalYear}年不一致`
        : `第${m.table}张表「${m.text}」写的是${m.year}年，晚于导入的预算年度${fiscalYear}年`,
    );
  const later = doc.tables.filter((t) => (projectCodeYear(t.projectCode) ?? 0) > fiscalYear);
  if (later.length > 0) {
    // a few examples are enough to act on; the whole list would bury the other warnings
    const shown = later.slice(0, 5).map((t) => `第${t.table}张（${t.projectCode}）`);
    const tables = `${shown.join('、')}${later.length > shown.length ? '等' : ''}`;
    warnings.push(
      `${later.length}张表的项目编码属于晚于预算年度${fiscalYear}年的年度：${tables}；请确认导入的年度是否正确`,
    );
  }
  return warnings;
}
