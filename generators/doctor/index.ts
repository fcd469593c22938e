/**
 * `yo django-docker:doctor [folder] [--format text|json|sarif]`: the doctor as a Yeoman
 * generator. It writes nothing; it prints the findings and sets the exit status like the bin.
 */
import Generator, { type BaseOptions } from 'yeoman-generator';
import { checkProject } from './doctor.ts';
import { exitCode, format, parseFormat } from './format.ts';
import { VERSION } from '../common/command.ts';

export type DoctorOptions = BaseOptions & { format?: string; folder?: string };

export default class DoctorGenerator extends Generator<Record<string, never>, DoctorOptions> {
  output = '';
  status = 0;

  constructor(args?: string[], options?: DoctorOptions) {
    super(args ?? [], options ?? ({} as DoctorOptions));
    this.argument('folder', { type: String, required: false, description: 'project folder (default: the current folder)' });
    this.option('format', { type: String, description: 'text, json or sarif', default: 'text', hide: false });
  }

  async default(): Promise<void> {
    const fmt = parseFormat(this.options.format);
    const folder = this.options.folder ? this.destinationPath(this.options.folder) : this.destinationRoot();
    const result = await checkProject(folder);
    this.output = format(result, fmt, { colour: Boolean(process.stdout.isTTY) && fmt === 'text', version: VERSION });
    this.status = exitCode(result);
    process.stdout.write(this.output);
    if (this.status !== 0) process.exitCode = this.status;
  }
}
