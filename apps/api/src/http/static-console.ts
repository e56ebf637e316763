import { NestExpressApplication } from '@nestjs/platform-express';
import { NextFunction, Request, Response } from 'express';
import { existsSync } from 'fs';
import { dirname, join } from 'path';

/**
 * Where the built console is: `dist/web` at the repository root, found by walking up from this
 * file to the directory holding package.json. That works from the built
 * `dist/apps/api/src/http/static-console.js` and from the TypeScript sources jest runs.
 */
export function consoleDir(from: string = __dirname): string | undefined {
  // CONSOLE_DIR: a build elsewhere (`WEB_OUT_DIR=… vite build`), e.g. one per parallel worktree
  const configured = process.env.CONSOLE_DIR;
  if (configured) return existsSync(join(configured, 'index.html')) ? configured : undefined;
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) {
      const web = join(dir, 'dist', 'web');
      return existsSync(join(web, 'index.html')) ? web : undefined;
    }
    if (dirname(dir) === dir) return undefined;
  }
}

/**
 * Serves the web console (apps/web, built by `npm run build`) when it is there: `GET /` answers
 * its index.html (`no-cache`, so a new build is picked up at once), `/assets/*` the hashed files
 * (cached for a year: their names change with their content). The client routes live after `#`,
 * so no other path is taken: every API route, `/docs`, and the JSON 404 stay as they are.
 */
export function serveConsole(app: NestExpressApplication, dir = consoleDir()): boolean {
  if (!dir) return false;
  const index = join(dir, 'index.html');
  app.use((req: Request, res: Response, next: NextFunction) => {
    if (
      (req.method !== 'GET' && req.method !== 'HEAD') ||
      (req.path !== '/' && req.path !== '/index.html')
    )
      return next();
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(index, { headers: { 'Content-Type': 'text/html; charset=utf-8' } }, (err) => {
      if (err) next(err);
    });
  });
  app.useStaticAssets(join(dir, 'assets'), {
    prefix: '/assets/',
    index: false,
    redirect: false,
    fallthrough: true,
    immutable: true,
    maxAge: '365d',
  });
  return true;
}
