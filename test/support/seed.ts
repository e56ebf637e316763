import { readFileSync } from 'fs';
import { resolve } from 'path';

/** The real document of ../shared/seeds, used in tests as it is. */
export const SEED_PATH =
  process.env.SEED_FILE ?? resolve(__dirname, '../../../shared/seeds/000_df8bd7cbddbfb745.txt');

export function seedText(): string {
  return readFileSync(SEED_PATH, 'utf8');
}
