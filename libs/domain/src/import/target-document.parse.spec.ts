import { seedText } from '../../../../test/support/seed';
import { formatYuan, parseWan } from '../shared/money';
import { effectivePlan } from '../performance-target/spending-plan';
import { contentProblems } from '../performance-target/target-content';
import { importTotals } from './import.decide';
import { parseTargetDocument } from './target-document.parse';

describe('parseTargetDocument on the seed document', () => {
  const seed = seedText();
  const doc = parseTargetDocument(seed);
  const table = (n: number) => doc.tables.find((t) => t.table === n)!;

  it('reads all 36 project tables of two units, with no document problem', () => {
    expect(doc.problems).toEqual([]);
    expect(doc.tables.map((t) => t.table)).toEqual(Array.from({ length: 36 }, (_, i) => i + 1));
    expect(doc.tables.filter((t) => t.unitCode === '314001')).toHaveLength(31);
    expect(doc.tables.filter((t) => t.unitCode === '314004')).toHaveLength(5);
  });

  it('holds the seed totals: 314001 1877.37万元, 314004 128.90万元, 2006.27万元 in all', () => {
    const totals = importTotals(doc.tables);
    expect(totals.units.map((u) => [u.code, u.targets, formatYuan(u.budget)])).toEqual([
      ['314001', 31, '18773700.00'],
      ['314004', 5, '1289000.00'],
    ]);
    expect(formatYuan(totals.total)).toBe('20062700.00');
  });

  it('agrees with a plain scan of the 预算数 cells of the text', () => {
    const lines = seed.split('\n');
    const byUnit = new Map<string, bigint>();
    let unit = '';
    lines.forEach((line, i) => {
      const u = /^\t(\d{6})[^0-9A-Za-z]/.exec(line);
      if (u) unit = u[1];
      if (line.trim() === '预算数')
        byUnit.set(unit, (byUnit.get(unit) ?? 0n) + parseWan(lines[i + 1])!);
    });
    expect([...byUnit]).toEqual(importTotals(doc.tables).units.map((u) => [u.code, u.budget]));
  });

  it('reads table 1 exactly as written', () => {
    const t = table(1);
    expect(t).toMatchObject({
      unitCode: '314001',
      projectCode: '13030322P00391410001H',
      title: '汽车保险费',
      problems: [],
    });
    expect(t.content).toMatchObject({
      unitName: '民政部门秦皇岛市山海关区民政局本级',
      projectName: '汽车保险费',
      budget: { total: 400000n, fiscal: 400000n, other: 0n },
      purpose: '保障车辆工作、提高工作效率',
      plan: { M3: null, M6: 100, M10: 100, M12: 100 },
      goals: '1.保障车辆工作\n2.提高工作效率',
      imported: {
        amountUnit: '万元',
        budget: { total: '0.40', fiscal: '0.40', other: '' },
        plan: ['', '100%', '100%', '100%'],
      },
    });
    expect(t.content.indicators).toHaveLength(9);
    expect(t.content.indicators[0]).toEqual({
      level1: '产出指标',
      level2: '数量指标',
      name: '投保车辆数量',
      description: '为几辆车投保',
      target: '1辆',
      basis: '车辆编制审批表',
    });
    // a blank 一级 cell continues the previous one
    expect(t.content.indicators[1]).toMatchObject({
      level1: '产出指标',
      level2: '质量指标',
      target: '是/否',
    });
    expect(t.content.indicators[8]).toEqual({
      level1: '满意度指标',
      level2: '服务对象满意度指标',
      name: '使用部门满意度',
      description: '使用部门满意度',
      target: '≥85%',
      basis: '年度工作计划',
    });
    expect(contentProblems(t.content)).toEqual([]);
  });

  it('gives the same project code in two units two tables', () => {
    expect([table(1), table(34)].map((t) => `${t.unitCode}-${t.projectCode}`)).toEqual([
      '314001-13030322P00391410001H',
      '314004-13030322P00391410001H',
    ]);
  });

  it('carries blank plan cells forward', () => {
    expect(table(34).content.plan).toEqual({ M3: null, M6: 100, M10: null, M12: null });
    expect(effectivePlan(table(34).content.plan)).toEqual({ M3: 0, M6: 100, M10: 100, M12: 100 });
    expect(effectivePlan(table(36).content.plan)).toEqual({ M3: 0, M6: 50, M10: 50, M12: 100 });
    expect(effectivePlan(table(3).content.plan)).toEqual({ M3: 0, M6: 0, M10: 0, M12: 100 });
  });

  it('reads a cell whose text starts on its second line', () => {
    const row = table(5).content.indicators.find((i) => i.target === '按规定时限完成');
    expect(row).toMatchObject({
      level1: '效益指标',
      level2: '经济效益指标',
      description: '实现国有企业退休人员社会化管理',
    });
  });

  it('keeps multi-line goals and purposes whole', () => {
    expect(table(6).content.goals.split('\n')).toHaveLength(6);
    expect(table(6).content.purpose.split('\n')).toHaveLength(6);
  });

  it('imports the cut-off last table with its problem listed', () => {
    const t = table(36);
    expect(t.content.indicators).toHaveLength(9);
    expect(t.content.indicators[8]).toEqual({
      level1: '满意度指标',
      level2: '服务对象满意度指标',
      name: '特困人员满意程度',
      description: '特困人员满意程度',
      target: '≤100%',
      basis: '',
    });
    expect(t.problems).toEqual([
      {
        field: 'indicators',
        message: '第9个指标不完整：表格在它的单元格写完之前就结束了',
      },
    ]);
  });

  it('keeps the department-wide goals of part 1: six areas', () => {
    const goals = doc.departmentGoals!;
    expect(goals.areas.map((a) => a.title)).toEqual([
      '社会救助政策及管理',
      '养老服务和产业发展政策及管理',
      '社会治理与服务',
      '民政政务管理',
      '社会事务政策及管理',
      '社会救助政策及管理（供养中心）',
    ]);
    expect(goals.areas[5]).toEqual({
      title: '社会救助政策及管理（供养中心）',
      duties:
        '拟定并组织实施特困人口集中供养中心发展规划和各项规章制度；集中供养特困人员，维护集中供养人员的合法权益。',
      goals:
        '拟定并组织实施特困人口集中供养中心发展规划和各项规章制度；集中供养特困人员，维护集中供养人员的合法权益。',
      indicators: ['供养特困人员保障率', '供养中心建设完成率', '服务对象满意度'],
      indicatorsText: '供养特困人员保障率、供养中心建设完成率、服务对象满意度。',
    });
    expect(goals.overall).toMatch(/^聚焦特殊群体/);
  });
});

describe('parseTargetDocument on odd input', () => {
  const seed = seedText();

  it.each([
    ['empty', ''],
    ['not this layout', 'hello\nworld\n\tcell'],
    ['binary noise', '\u0000\u0001PK\u0003\u0004\uFFFD'.repeat(50)],
  ])('never throws: %s', (_, text) => {
    expect(parseTargetDocument(text)).toEqual({
      tables: [],
      departmentGoals: null,
      problems: [],
      years: [],
    });
  });

  it('never throws on the seed cut at any of 200 places', () => {
    for (let k = 1; k <= 200; k++) {
      const cut = Math.floor((seed.length * k) / 201);
      expect(() => parseTargetDocument(seed.slice(0, cut))).not.toThrow();
    }
  });

  const first = () => seed.split('\n').slice(42, 153).join('\n');

  it('reports a table without 项目编码 and does not import it', () => {
    const doc = parseTargetDocument(first().replace('\t13030322P00391410001H', '\t'));
    expect(doc.tables).toEqual([]);
    expect(doc.problems).toEqual([expect.stringMatching(/^第1张表（第1行）：项目编码「」缺失/)]);
  });

  it('reports a second table of the same unit and project code', () => {
    const doc = parseTargetDocument(
      `${first()}\n${first().replace(/^\s*\[bookmark[^\]]*\]1\./, '2.')}`,
    );
    expect(doc.tables).toHaveLength(1);
    expect(doc.problems).toEqual([
      expect.stringMatching(/^第2张表：单位314001的项目编码13030322P00391410001H已在第1张表中出现/),
    ]);
  });

  it('keeps a table with a plan that goes down, a budget that does not add up and a cell that is not a number', () => {
    const text = first()
      .replace('\t0.40\n', '\t0.50\n')
      .replace('\t \n\t100%\n\t100%', '\t60%\n\t40%\n\t百分百');
    const [t] = parseTargetDocument(text).tables;
    expect(t.content.plan).toEqual({ M3: 60, M6: 40, M10: null, M12: 100 });
    expect(t.problems).toEqual([
      { field: 'plan', message: '资金支出计划10月底「百分百」不是百分数' },
    ]);
    expect(contentProblems(t.content)).toEqual([
      '预算数 5000.00 元不等于财政资金 4000.00 元与其他资金 0.00 元之和',
      '资金支出计划应为累计数：6月底（40%）低于3月底（60%）',
    ]);
  });

  it('reads amounts in 元 when the table says 单位：元', () => {
    const [t] = parseTargetDocument(
      first()
        .replace('单位：万元', '单位：元')
        .replace(/\t0\.40\n/g, '\t4000.00\n'),
    ).tables;
    expect(t.content.budget).toEqual({ total: 400000n, fiscal: 400000n, other: 0n });
  });
});

describe('parseTargetDocument: where a table and its unit are found', () => {
  const seed = seedText();
  const first = () => seed.split('\n').slice(42, 153).join('\n');
  const unitLine = '\t314001民政部门秦皇岛市山海关区民政局本级';
  const withUnit = (line: string) => first().replace(unitLine, line);
  const unitOf = (text: string) => {
    const doc = parseTargetDocument(text);
    return doc.tables.map((t) => [t.unitCode, t.content.unitName, t.projectCode]);
  };
  const ours = [['314001', '民政部门秦皇岛市山海关区民政局本级', '13030322P00391410001H']];

  it.each([
    ['a paragraph above the table', '314001民政部门秦皇岛市山海关区民政局本级'],
    [
      '预算单位： with a tab before 单位：万元',
      '预算单位：314001民政部门秦皇岛市山海关区民政局本级\t单位：万元',
    ],
    ['单位名称: with a space', '\t单位名称:314001 民政部门秦皇岛市山海关区民政局本级'],
    ['fullwidth digits', '３１４００１民政部门秦皇岛市山海关区民政局本级'],
    ['the name first, the code in brackets', '民政部门秦皇岛市山海关区民政局本级（314001）'],
  ])('reads the unit from %s', (_, line) => {
    expect(unitOf(withUnit(line))).toEqual(ours);
  });

  it('reads the unit from a 预算单位 row inside the table', () => {
    const text = first()
      .replace(`${unitLine}\n`, '')
      .replace(
        '\t汽车保险费\n',
        '\t汽车保险费\n\t预算单位\n\t314001 民政部门秦皇岛市山海关区民政局本级\n',
      );
    expect(unitOf(text)).toEqual([
      ['314001', '民政部门秦皇岛市山海关区民政局本级', '13030322P00391410001H'],
    ]);
  });

  it('never takes the unit from the project code: a table without a unit is a problem, not a guess', () => {
    const doc = parseTargetDocument(first().replace(`${unitLine}\n`, ''));
    expect(doc.tables).toEqual([]);
    expect(doc.problems).toEqual([expect.stringMatching(/^第1张表（第1行）：找不到预算单位/)]);
  });

  it('finds a table without a numbered title by its 项目编码, numbered by its place', () => {
    const doc = parseTargetDocument(first().replace(/^.*绩效目标表$/m, '项目支出绩效目标表'));
    expect(doc.tables.map((t) => [t.table, t.title, t.projectCode])).toEqual([
      [1, '汽车保险费', '13030322P00391410001H'],
    ]);
  });

  it('reads fullwidth digits, ％ and 单位：元 with a fullwidth colon', () => {
    const [t] = parseTargetDocument(
      first()
        .replace('单位：万元', '（单位：元）')
        .replace(/\t0\.40\n/g, '\t４０００．００\n')
        .replace(/\t100%/g, '\t100％'),
    ).tables;
    expect(t.content.budget).toEqual({ total: 400000n, fiscal: 400000n, other: 0n });
    expect(t.content.plan).toEqual({ M3: null, M6: 100, M10: 100, M12: 100 });
    expect(t.problems).toEqual([]);
  });

  it('skips an indicator header row repeated where the table continues on the next page', () => {
    const header =
      '\t一级指标\n\t二级指标\n\t三级指标\n\t绩效指标描述\n\t指标值\n\t指标值确定依据\n';
    const text = first().replace('\t\n\t质量指标', `${header}\t\n\t质量指标`);
    expect(parseTargetDocument(text).tables[0].content.indicators).toEqual(
      parseTargetDocument(first()).tables[0].content.indicators,
    );
  });

  it('names the years of its headings and of its tables', () => {
    const doc = parseTargetDocument(
      `2023年部门预算绩效目标\n${first().replace('汽车保险费绩效目标表', '2023年汽车保险费绩效目标表')}`,
    );
    expect(doc.years).toEqual([
      { year: 2023, text: '2023年部门预算绩效目标', table: null },
      { year: 2023, text: '2023年汽车保险费', table: 1 },
    ]);
  });
});
