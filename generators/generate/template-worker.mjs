// Renders one organisation template off the main thread, so the generator can stop it: a template
// that loops is cut off at the time limit, one that calls process.exit() ends only this thread.
// The main thread waits on `shared` (Atomics) and reads the answer from `port`.
import { workerData } from 'node:worker_threads';
import ejs from 'ejs';
import { escape, helpers } from './template-helpers.mjs';

const { shared, port, text, filename, plan } = workerData;
let answered = false;
function answer(message) {
  if (answered) return;
  answered = true;
  port.postMessage(message);
  Atomics.store(shared, 0, 1);
  Atomics.notify(shared, 0);
}
process.on('exit', (code) => answer({ exited: code }));
try {
  answer({ text: ejs.render(text, { plan, ...helpers }, { filename, escape }) });
} catch (err) {
  answer({ error: err instanceof Error ? err.message : String(err) });
}
