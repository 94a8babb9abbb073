// The REST API as the console calls it: JSON both ways, the operator's token as a Bearer token.

/** A refused or failed call: `code: message` as the API's error body says it; `status` and the body kept. */
export class ApiError extends Error {
  constructor(status, payload) {
    super(`${payload.code || status}: ${[].concat(payload.message || '').join('; ')}`);
    this.status = status;
    this.payload = payload;
  }
}

/** A call made after a sign-out (a refresh still under way): never sent, and no error to show. */
export class SignedOut extends Error {
  constructor() {
    super('signed out');
  }
}

/** A path of URL-encoded segments: apiPath('indices', 'a b') is /indices/a%20b. */
export const apiPath = (...parts) => '/' + parts.map((part) => encodeURIComponent(part)).join('/');

/**
 * `api(method, path, body?)`, resolving the answer's JSON or rejecting with an ApiError; `token()` is
 * read at each call, and without one the call rejects with SignedOut instead of asking for a 401.
 */
export function apiClient(token) {
  return async function api(method, path, body) {
    const bearer = token();
    if (!bearer) throw new SignedOut();
    const response = await fetch(path, {
      method,
      headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const payload = await response.json().catch(() => ({}));
    if (!response.ok) throw new ApiError(response.status, payload);
    return payload;
  };
}
