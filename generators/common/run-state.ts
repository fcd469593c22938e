/**
 * What a run has done so far, shared by the bin and the generator (one module instance per
 * process): the bin's signal handler says whether the files were already written.
 */
export const runState = { wrote: false };
