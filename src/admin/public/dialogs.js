// The page's two modal dialogs: a confirmation and a one-field question.

import { $, byKey } from './dom.js';

/** Opens a modal dialog; when it closes, focus goes back to the button that opened it, even if a refresh replaced it. */
function openDialog(dialog, answer) {
  const returnKey = document.activeElement?.dataset?.key;
  dialog.returnValue = '';
  dialog.showModal();
  return new Promise((resolve) =>
    dialog.addEventListener(
      'close',
      () => {
        resolve(answer(dialog.returnValue === 'ok'));
        if (returnKey) byKey(returnKey)?.focus();
      },
      { once: true },
    ),
  );
}

/** Resolves true when the operator confirms in the modal dialog. */
export function confirmAction({ title, message, ok }) {
  $('confirm-title').textContent = title;
  $('confirm-text').textContent = message;
  $('confirm-ok').textContent = ok;
  return openDialog($('confirm'), (confirmed) => confirmed);
}

/** Resolves the value entered in the modal dialog, or null when cancelled. */
export function ask({ title, label, ok, value = '', inputMode = 'text' }) {
  const input = $('ask-input');
  $('ask-title').textContent = title;
  $('ask-label').textContent = label;
  $('ask-ok').textContent = ok;
  input.value = value;
  input.inputMode = inputMode;
  return openDialog($('ask'), (confirmed) => (confirmed ? input.value.trim() : null));
}

/** Wires the question's Cancel: not a submit button, so Enter in the field submits the answer rather than cancelling it. */
export function wireDialogs() {
  $('ask-cancel').addEventListener('click', () => $('ask').close('cancel'));
}
