import { fileURLToPath } from 'node:url';

/** Templates sit at the package root; this file is at the same depth as .ts source and as compiled .js. */
export const templatesDir = (generator: string): string => fileURLToPath(new URL(`../../templates/${generator}`, import.meta.url));

export const packageRoot = fileURLToPath(new URL('../../', import.meta.url));
