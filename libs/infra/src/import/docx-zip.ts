import { Readable } from 'stream';
import { StringDecoder } from 'string_decoder';
import yauzl, { Entry, ZipFile } from 'yauzl';

/** How much of a package we inflate: a zip bomb is refused by its declared sizes, then cut off. */
export interface ZipLimits {
  /** The largest single part we read (word/document.xml of the seed is about 2 MB). */
  readonly maxPartBytes: number;
  /** The most we inflate from one package, all parts read together. */
  readonly maxTotalBytes: number;
}

export const DOCX_LIMITS: ZipLimits = { maxPartBytes: 24 << 20, maxTotalBytes: 32 << 20 };

/** The reason given for a package the libraries cannot read. */
const BROKEN = '压缩包已损坏或不完整';

export class ZipRefused extends Error {
  constructor(
    message: string,
    readonly tooLarge = false,
  ) {
    super(message);
  }
}

/** The parts of a zip package by name, read lazily, each as a capped stream of text. */
export class ZipPackage {
  private inflated = 0;

  private constructor(
    private readonly zip: ZipFile,
    readonly entries: ReadonlyMap<string, Entry>,
    private readonly limits: ZipLimits,
  ) {}

  static async open(data: Buffer, limits: ZipLimits = DOCX_LIMITS): Promise<ZipPackage> {
    const zip = await new Promise<ZipFile>((resolve, reject) =>
      yauzl.fromBuffer(data, { lazyEntries: true, validateEntrySizes: true }, (err, z) =>
        err ? reject(new ZipRefused(BROKEN)) : resolve(z),
      ),
    );
    const entries = new Map<string, Entry>();
    await new Promise<void>((resolve, reject) => {
      zip.on('entry', (e: Entry) => {
        entries.set(e.fileName, e);
        zip.readEntry();
      });
      zip.on('end', resolve);
      zip.on('error', () => reject(new ZipRefused(BROKEN)));
      zip.readEntry();
    });
    return new ZipPackage(zip, entries, limits);
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  /** Streams a part as text to `onChunk`, refusing it by its declared size and cutting it off at the cap. */
  async stream(name: string, onChunk: (text: string) => void): Promise<void> {
    const entry = this.entries.get(name);
    if (!entry) throw new ZipRefused(`缺少 ${name}`);
    const cap = Math.min(this.limits.maxPartBytes, this.limits.maxTotalBytes - this.inflated);
    if (entry.uncompressedSize > cap) throw new ZipRefused(`${name} 解压后过大`, true);
    const input = await new Promise<Readable>((resolve, reject) =>
      this.zip.openReadStream(entry, (err, s) =>
        err ? reject(new ZipRefused(BROKEN)) : resolve(s),
      ),
    );
    const decoder = new StringDecoder('utf8');
    let read = 0;
    try {
      for await (const chunk of input as AsyncIterable<Buffer>) {
        read += chunk.length;
        if (read > cap) throw new ZipRefused(`${name} 解压后过大`, true);
        onChunk(decoder.write(chunk));
      }
    } catch (e) {
      input.destroy();
      // yauzl's and zlib's reasons are English and of no use to the person: said once, in Chinese
      throw e instanceof ZipRefused ? e : new ZipRefused(`${name} ${BROKEN}`);
    }
    this.inflated += read;
    onChunk(decoder.end());
  }

  /** A small part as a whole string (relationships, page headers). */
  async text(name: string): Promise<string> {
    let out = '';
    await this.stream(name, (t) => (out += t));
    return out;
  }

  close(): void {
    this.zip.close();
  }
}
