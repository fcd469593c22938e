/**
 * The Yeoman adapter the in-process tests run the generators with (yeoman-test's
 * `helpers.createTestAdapter`, replaced for every test file by vitest's setup).
 *
 * Why not yeoman-test's own: its TestAdapter (@yeoman/adapter 4 and 5) gives the prompt module
 * `Duplex.from(async () => {})` as output. From Node 24 a duplex made from an async function that
 * returns before its input ended is destroyed with an AbortError, so that a pipeline notices
 * (nodejs/node#55077); nothing listens on that stream, and every TestAdapter made becomes an
 * uncaught exception (two per run, ~150 in the unit suite). This adapter is the one the bin runs
 * with (a TerminalAdapter behind a QueuedAdapter), writing to a drained sink, and answering
 * prompts from the mocked answers as yeoman-test's dummy prompts do.
 */
import { PassThrough, Readable } from 'node:stream';
import { QueuedAdapter, TerminalAdapter } from '@yeoman/adapter';

interface Question {
  type?: string;
  name: string;
  default?: unknown;
  when?: boolean | ((answers: Record<string, unknown>) => unknown);
}

type Callback = (answer: unknown, options: { question: Question; answers: Record<string, unknown> }) => unknown;

export interface TestAdapterOptions {
  mockedAnswers?: Record<string, unknown>;
  callback?: Callback;
}

/** yeoman-test's rule: a select takes any answer but undefined, a confirm keeps false, others fall back on falsy. */
function answered(type: string | undefined, answer: unknown): boolean {
  if (type === 'list' || type === 'select') return answer !== undefined;
  if (type === 'confirm') return answer === false || Boolean(answer);
  return Boolean(answer);
}

function mockedPromptModule(mocked: Record<string, unknown>, callback: Callback | undefined) {
  return async (questions: Question | Question[], initial: Record<string, unknown> = {}): Promise<Record<string, unknown>> => {
    const answers: Record<string, unknown> = { ...initial };
    for (const question of [questions].flat()) {
      const when = typeof question.when === 'function' ? await question.when(answers) : (question.when ?? true);
      if (!when) continue;
      let answer = mocked[question.name];
      if (!answered(question.type, answer)) answer = question.default ?? (question.type === 'confirm' ? true : undefined);
      answers[question.name] = callback ? callback(answer, { question, answers: { [question.name]: answer } }) : answer;
    }
    return answers;
  };
}

export function createTestAdapter(options: TestAdapterOptions = {}): QueuedAdapter {
  const sink = new PassThrough();
  sink.resume();
  const terminal = new TerminalAdapter({
    stdin: Readable.from([]) as unknown as NodeJS.ReadStream,
    stdout: sink as unknown as NodeJS.WriteStream,
    stderr: sink as unknown as NodeJS.WriteStream,
    promptModule: mockedPromptModule(options.mockedAnswers ?? {}, options.callback) as never,
  });
  return new QueuedAdapter({ adapter: terminal, stdout: sink as unknown as NodeJS.WriteStream });
}
