import request from 'supertest';

/** Makes supertest keep a binary body (a .csv or .xlsx download) as a Buffer in `res.body`. */
export const asBuffer = (req: request.Test): request.Test =>
  req.buffer(true).parse((res, cb) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => cb(null, Buffer.concat(chunks)));
  });
