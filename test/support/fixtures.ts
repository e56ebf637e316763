/** A target table as POST /targets takes it: the first table of the seed document. */
export function targetBody(overrides: Record<string, unknown> = {}) {
  return {
    fiscalYear: 2022,
    unitCode: '314001',
    unitName: '民政部门秦皇岛市山海关区民政局本级',
    projectCode: '13030322P00391410001H',
    projectName: '汽车保险费',
    budget: { total: '4000.00', fiscal: '4000.00', other: '0.00' },
    purpose: '保障车辆工作、提高工作效率',
    plan: { M3: null, M6: 100, M10: 100, M12: 100 },
    goals: '1.保障车辆工作\n2.提高工作效率',
    indicators: [
      {
        level1: '产出指标',
        level2: '数量指标',
        name: '投保车辆数量',
        description: '为几辆车投保',
        target: '1辆',
        basis: '车辆编制审批表',
      },
      {
        level1: '满意度指标',
        level2: '服务对象满意度指标',
        name: '使用部门满意度',
        description: '使用部门满意度',
        target: '≥85%',
        basis: '年度工作计划',
      },
    ],
    ...overrides,
  };
}
