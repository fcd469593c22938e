/**
 * `yo django-docker:doctor [folder] [--format text|json|sarif]`: the doctor as a Yeoman
 * generator. It writes nothing; it prints the findings and sets the exit status like the bin.
 */
import Generator, { type BaseOptions } from 'yeoman-generator';
import { UsageError } from '../common/errors.ts';
import { checkProject } from './doctor.ts';
import { exitCode, format, type Format, FORMATS } from './format.ts';
import { version } from './cli.ts';

export type DoctorOptions = BaseOptions & { format?: string; folder?: string };

export default class DoctorGenerator extends Generator<DoctorOptions> {
  output = '';
  status = 0;

  constructor(args?: string[], options?: DoctorOptions) {
    super(args ?? [], options ?? ({} as DoctorOptions));
    this.argument('folder', { type: String, required: false, description: 'project folder (default: the current folder)' });
    this.option('format', { type: String, description: 'text, json or sarif', default: 'text', hide: false });
  }

  async default(): Promise<void> {
    const o = this.options as unknown as Record<string, unknown>;
    const fmt = (typeof o.format === 'string' ? o.format : 'text') as Format;
    if (!FORMATS.includes(fmt)) throw new UsageError(`--format ${fmt} is not supported: choose text, json or sarif`);
    const folder = typeof o.folder === 'string' && o.folder ? this.destinationPath(o.folder) : this.destinationRoot();
    const result = await checkProject(folder);
    this.output = format(result, fmt, { colour: Boolean(process.stdout.isTTY) && fmt === 'text', version: version() });
    this.status = exitCode(result);
    process.stdout.write(this.output);
    if (this.status !== 0) process.exitCode = this.status;
  }
}
