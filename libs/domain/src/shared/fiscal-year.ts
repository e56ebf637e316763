import { InvalidInput } from './errors';

/** The fiscal years the service keeps. Every slice checks against these, so they live here. */
export const MIN_FISCAL_YEAR = 2000;
export const MAX_FISCAL_YEAR = 2099;

/** A fiscal year the service keeps: a whole year from 2000 to 2099; otherwise a 400. */
export function assertFiscalYear(fiscalYear: number): void {
  if (
    !Number.isInteger(fiscalYear) ||
    fiscalYear < MIN_FISCAL_YEAR ||
    fiscalYear > MAX_FISCAL_YEAR
  ) {
    throw new InvalidInput(
      'INVALID_FISCAL_YEAR',
      `预算年度应为 ${MIN_FISCAL_YEAR} 至 ${MAX_FISCAL_YEAR} 之间的年份`,
      'fiscalYear',
    );
  }
}
