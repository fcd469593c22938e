/**
 * What a run has done so far, shared by the bin and the generator (one module instance per
 * process): the bin's signal handler says whether the files were already written, and leaves a
 * signal to the generator while the generator handles them (a library's own SIGINT listener,
 * such as signal-exit's, must not make the bin step aside and the signal be lost).
 */
export const runState = { wrote: false, generatorHandlesSignals: false };
