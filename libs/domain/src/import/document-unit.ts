import { DocumentItem, foldWidth, normalizeLabel } from './document-items';

/** A spending unit as a document names it: its six-digit code and its name. */
export interface DocumentUnit {
  readonly code: string;
  readonly name: string;
}

const CJK = /[\u3400-\u9fff]/;
/** `314001民政部门…`, `预算单位：314001 民政部门…`, `单位名称:314001-…`; never a project code. */
const UNIT_LINE =
  /^(?:(?:预算单位|单位名称|实施单位|单位)(?:及代码|编码及名称)?\s*[:：]\s*)?([0-9０-９]{6})(?![0-9０-９A-Za-zＡ-Ｚａ-ｚ])[\s\-—_.、·]*(.*)$/s;
/** `民政部门…（314001）`: the name first, the code after it in brackets. */
const NAME_THEN_CODE = /^(.*?)\s*[（(]\s*([0-9０-９]{6})\s*[)）]$/s;
/** What may follow the unit on the same line: `单位：万元`, after a tab or wide spacing. */
const TAIL = /(\t|\s{2,}|[（(]?(金额)?单位\s*[:：]).*$/s;
const UNIT_LABEL = /^(预算单位|实施单位|单位名称|项目单位|申报单位)(名称|及代码|编码及名称)?$/;
const UNIT_CODE_LABEL = /^(预算单位|单位)(编码|代码)$/;

const digits = (code: string) => foldWidth(code);

function named(code: string, rest: string): DocumentUnit | null {
  const name = rest.replace(TAIL, '').trim();
  return CJK.test(name) ? { code: digits(code), name } : null;
}

/** The unit a line names, or null: a code of six digits then a name with Chinese in it. */
export function unitOfLine(text: string): DocumentUnit | null {
  const line = text.trim();
  const m = UNIT_LINE.exec(line);
  if (m) return named(m[1], m[2]);
  const n = NAME_THEN_CODE.exec(line.replace(TAIL, '').trim());
  return n ? named(n[2], n[1]) : null;
}

/** A label cell whose value is the unit (预算单位, 实施单位, 单位名称…). */
export function isUnitLabel(label: string): boolean {
  return UNIT_LABEL.test(label) || UNIT_CODE_LABEL.test(label);
}

interface LabelledCell {
  readonly text: string;
  readonly label: string;
}

/** A unit from labelled cells: 预算单位 | 314001 民政部门…, or 单位编码 | 314001 beside 单位名称 | …. */
function unitOfRows(cells: readonly LabelledCell[]): DocumentUnit | null {
  let code: string | null = null;
  let name: string | null = null;
  for (let i = 0; i + 1 < cells.length; i++) {
    const value = cells[i + 1].text;
    if (UNIT_LABEL.test(cells[i].label)) {
      const unit = unitOfLine(value);
      if (unit) return unit;
      if (CJK.test(value)) name = value.trim();
    } else if (UNIT_CODE_LABEL.test(cells[i].label) && /^\d{6}$/.test(normalizeLabel(value))) {
      code = normalizeLabel(value);
    }
  }
  return code && name ? { code, name } : null;
}

/**
 * The unit of one table: a labelled row inside it or above it wins, then a unit line above the
 * table (a paragraph or a row of its own). Null when the document does not say.
 */
export function findUnit(
  cells: readonly LabelledCell[],
  preface: readonly DocumentItem[],
): DocumentUnit | null {
  const labelled = unitOfRows(cells);
  if (labelled) return labelled;
  for (const item of preface) {
    const unit = unitOfLine(item.text);
    if (unit) return unit;
  }
  return null;
}
