// The plan table: what the deploy check does for each alias, and how the code differs from the live index.

import { h } from '../elements.js';
import { changeText } from '../format.js';

/** The code-vs-live column: no live index, no difference, or the differences behind a disclosure. */
function differences(plan) {
  if (!plan.diff) return 'no live index';
  const changes = [...plan.diff.mappings.map((change) => ({ ...change, path: `mappings.${change.path}` })), ...plan.diff.settings];
  if (changes.length === 0) return 'no difference';
  return h(
    'details',
    null,
    h('summary', null, `${changes.length} difference${changes.length === 1 ? '' : 's'}`),
    h('ul', null, changes.map((change) => h('li', null, changeText(change)))),
  );
}

/** The rows of #plan. */
export function planView(plans) {
  return plans.map((plan) =>
    h(
      'tr',
      null,
      h('th', { scope: 'row' }, h('code', null, plan.alias)),
      h('td', { class: plan.action }, h('strong', null, plan.action)),
      h('td', null, plan.reason),
      h('td', null, differences(plan)),
    ),
  );
}

/** The line below the plan: observe mode says it writes nothing. */
export const planNote = (plans) =>
  plans[0]?.mode === 'observe' ? 'REINDEX_MODE=observe: the service only plans and reports; it writes nothing.' : 'What the deploy check does for each alias, and why.';
