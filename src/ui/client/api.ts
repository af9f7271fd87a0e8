/** The page's calls to its server; URLs are relative, so the page works under any mount (/ or /ui/). */
export class ApiError extends Error {
  constructor(readonly status: number, message: string, readonly field?: string) {
    super(message);
  }
}

async function answer<T>(res: Response): Promise<T> {
  const text = await res.text();
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    // not JSON: reported below with the status
  }
  if (!res.ok) {
    const b = body as { message?: string; field?: string } | null;
    if (res.status === 401) location.reload(); // signed out (token revoked or cookie gone): show the sign-in page
    throw new ApiError(res.status, b?.message ?? `${res.status} ${res.statusText}`, b?.field);
  }
  return body as T;
}

export async function getJson<T>(url: string): Promise<T> {
  return answer<T>(await fetch(url, { headers: { accept: 'application/json' }, credentials: 'same-origin' }));
}

export async function postJson<T>(url: string, body: unknown): Promise<T> {
  return answer<T>(await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify(body), credentials: 'same-origin' }));
}
