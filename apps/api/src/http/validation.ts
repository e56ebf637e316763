import { BadRequestException, ValidationError, ValidationPipe } from '@nestjs/common';
import { fieldNameZh } from '@bp/domain';

interface FieldError {
  readonly field: string;
  readonly reasons: string[];
}

const CJK = /[\u4e00-\u9fff]/;
const numbers = (m: string) => m.match(/-?\d+(?:\.\d+)?/g) ?? [];
// the values to send are codes: in backticks, as the API document writes them
const listed = (m: string) =>
  (/values: (.*)$/.exec(m)?.[1] ?? '')
    .split(', ')
    .map((v) => `\`${v}\``)
    .join('、');

/**
 * class-validator's own messages are English; each constraint a DTO uses gets its reason in
 * Chinese here, with the figures read from the English default (the only place the library
 * hands them over). A DTO's own message is Chinese already and is kept.
 */
const REASONS: Record<string, (english: string) => string> = {
  isString: () => '应为文本',
  isInt: () => '应为整数',
  isNumber: () => '应为数字（最多两位小数）',
  isBoolean: () => '应为布尔值（是或否）',
  isDefined: () => '必须填写',
  isNotEmpty: () => '不能为空',
  isObject: () => '应为对象',
  isArray: () => '应为数组',
  arrayNotEmpty: () => '至少填写一项',
  arrayUnique: () => '不能有重复项',
  arrayMaxSize: (m) => `最多 ${numbers(m)[0]} 项`,
  arrayMinSize: (m) => `至少 ${numbers(m)[0]} 项`,
  min: (m) => `不能小于 ${numbers(m)[0]}`,
  max: (m) => `不能大于 ${numbers(m)[0]}`,
  maxLength: (m) => `最多 ${numbers(m)[0]} 个字符`,
  minLength: (m) => `至少 ${numbers(m)[0]} 个字符`,
  isLength: (m) => {
    const [a, b] = numbers(m);
    if (m.includes('longer') && m.includes('shorter')) return `长度应为 ${a} 至 ${b} 个字符`;
    return m.includes('longer') ? `至少 ${a} 个字符` : `最多 ${a} 个字符`;
  },
  isIn: (m) => `应为以下之一：${listed(m)}`,
  isEnum: (m) => `应为以下之一：${listed(m)}`,
  isEmail: () => '应为有效的电子邮箱地址',
  isUrl: () => '应为有效的网址',
  isUuid: () => '应为 UUID',
  isDateString: () => '应为日期或时间（ISO 8601）',
  isIso8601: () => '应为日期或时间（ISO 8601）',
  matches: () => '格式不正确',
  whitelistValidation: () => '不是可接受的字段',
  nestedValidation: () => '应为对象或数组',
  unknownValue: () => '输入无效',
};

function reasonZh(key: string, message: string): string {
  // a DTO's own reason starts in Chinese; a default starts with the (maybe Chinese) property name
  if (CJK.test(message[0] ?? '')) return message;
  return (REASONS[key] ?? (() => '取值无效'))(message);
}

function flatten(errors: ValidationError[], prefix = ''): FieldError[] {
  return errors.flatMap((e) => {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    // an absent required field fails every constraint it has; say the one thing that matters
    const reasons =
      e.constraints && e.value === undefined && !e.constraints.whitelistValidation
        ? ['必须填写']
        : Object.entries(e.constraints ?? {}).map(([k, m]) => reasonZh(k, m));
    const own = reasons.length > 0 ? [{ field, reasons }] : [];
    return [...own, ...flatten(e.children ?? [], field)];
  });
}

/**
 * Validates every body and query against its DTO: unknown fields are refused, nothing is
 * coerced, and the 400 names each field and why.
 */
export function validationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    exceptionFactory: (errors) => {
      const fields = flatten(errors);
      const first = fields[0];
      return new BadRequestException({
        error: {
          code: 'VALIDATION_FAILED',
          message: first ? `${fieldNameZh(first.field)}${first.reasons.join('；')}` : '输入无效',
          details: { field: first?.field, fields },
        },
      });
    },
  });
}

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** A JSON reviver for the body parser: keys that could pollute prototypes are refused. */
export function refusePrototypeKeys(key: string, value: unknown): unknown {
  if (FORBIDDEN_KEYS.has(key)) {
    throw Object.assign(new Error(`不接受键名 \`${key}\``), {
      type: 'forbidden.key',
      status: 400,
    });
  }
  return value;
}
