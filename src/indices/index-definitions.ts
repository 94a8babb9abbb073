/** Injection token of the definitions this deployment serves, so that a test can register modified ones (overrideProvider). */
export const INDEX_DEFINITIONS = Symbol('INDEX_DEFINITIONS');
