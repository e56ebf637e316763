import { QueryBus } from '@nestjs/cqrs';
import { DepartmentPublicationQuery, publicationDocx, publicationFileNames } from '@bp/infra';
import { writeFileSync } from 'fs';
import { parseArgs } from 'util';
import { cliCaller, withContext } from '../cli-context';
import { UsageError } from '../usage';

/**
 * `publish --department <code> --year <YYYY> [--out <file>]`: the department's publication
 * (GET /departments/:code/publication.docx) written to a file, as an admin. Without --out the
 * file is named as the download is, in the current directory.
 */
export async function runPublish(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      department: { type: 'string' },
      year: { type: 'string' },
      out: { type: 'string' },
    },
  });
  const department = values.department ?? '';
  if (!/^\d{3}$/.test(department)) throw new UsageError('--department is a three-digit code');
  const year = Number(values.year);
  if (!Number.isInteger(year)) throw new UsageError('--year is a fiscal year, e.g. 2022');
  await withContext(async (app) => {
    const publication = await app
      .get(QueryBus)
      .execute(new DepartmentPublicationQuery(cliCaller(), department, year));
    const out = values.out ?? publicationFileNames(publication).name;
    writeFileSync(out, await publicationDocx(publication));
    console.log(
      `${out}: ${publication.tables.length} 张已批复的项目绩效目标表` +
        (publication.goals ? `，部门整体绩效目标 ${publication.goals.areas.length} 个方面` : ''),
    );
  });
}
