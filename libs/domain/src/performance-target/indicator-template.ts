/**
 * The indicator tree (一级 → 二级) is data, versioned, not an enum: later national rules move
 * 成本指标 to level 1, which will be a new template version, not a code change.
 */
export interface IndicatorTemplate {
  readonly version: string;
  readonly levels: Readonly<Record<string, readonly string[]>>;
}

export const INDICATOR_TEMPLATE_2021: IndicatorTemplate = {
  version: '2021',
  levels: {
    产出指标: ['数量指标', '质量指标', '时效指标', '成本指标'],
    效益指标: ['经济效益指标', '社会效益指标', '生态效益指标', '可持续影响指标'],
    满意度指标: ['服务对象满意度指标'],
  },
};

export const DEFAULT_INDICATOR_TEMPLATE = INDICATOR_TEMPLATE_2021;

/** Null when (level1, level2) is a branch of the template, otherwise what is wrong. */
export function templateProblem(
  template: IndicatorTemplate,
  level1: string,
  level2: string,
): string | null {
  const level2s = template.levels[level1];
  if (!level2s) return `一级指标“${level1}”不在${template.version}版指标体系中`;
  if (!level2s.includes(level2)) {
    return `二级指标“${level2}”不属于${template.version}版指标体系的“${level1}”`;
  }
  return null;
}
