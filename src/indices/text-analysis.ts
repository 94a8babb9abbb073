/** Case- and accent-insensitive full text, shared by every index that searches names. */
export const FOLDED_ANALYSIS = {
  analyzer: { folded: { type: 'custom', tokenizer: 'standard', filter: ['lowercase', 'asciifolding'] } },
};

export const FOLDED_TEXT = { type: 'text', analyzer: 'folded' };

export const FOLDED_TEXT_WITH_KEYWORD = { ...FOLDED_TEXT, fields: { keyword: { type: 'keyword', ignore_above: 256 } } };
