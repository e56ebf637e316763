import { createDeflateRaw } from 'zlib';

/** Deflates `size` bytes of one repeated byte after `head` as a stream (about 1 MB per GiB). */
async function deflated(head: string, size: number): Promise<Buffer> {
  const out: Buffer[] = [];
  const z = createDeflateRaw({ level: 9 });
  z.on('data', (c: Buffer) => out.push(c));
  const done = new Promise((resolve) => z.on('end', resolve));
  const chunk = Buffer.alloc(1 << 20, 0x41);
  z.write(Buffer.from(head));
  for (let left = size - head.length; left > 0; left -= chunk.length) {
    if (!z.write(left >= chunk.length ? chunk : chunk.subarray(0, left)))
      await new Promise((r) => z.once('drain', r));
  }
  z.end();
  await done;
  return Buffer.concat(out);
}

/**
 * A .docx-shaped zip bomb: `word/document.xml` inflates to `size` bytes of text inside one
 * run, its header declaring `declared` bytes (the true size, or a lie). The CRC is left 0: a
 * reader that inflates it all fails only at the end, after paying for it.
 */
export async function zipBomb(size: number, declared = size): Promise<Buffer> {
  const name = Buffer.from('word/document.xml');
  const data = await deflated('<w:document><w:body><w:p><w:r><w:t>', size);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt16LE(8, 8);
  local.writeUInt32LE(data.length, 18);
  local.writeUInt32LE(declared, 22);
  local.writeUInt16LE(name.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt16LE(8, 10);
  central.writeUInt32LE(data.length, 20);
  central.writeUInt32LE(declared, 24);
  central.writeUInt16LE(name.length, 28);
  const end = Buffer.alloc(22);
  const centralAt = local.length + name.length + data.length;
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(central.length + name.length, 12);
  end.writeUInt32LE(centralAt, 16);
  return Buffer.concat([local, name, data, central, name, end]);
}
