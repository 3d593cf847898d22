// Sessions: the dashboard signs in with a cookie session (never a bearer token).
import { api, setCsrfToken } from '../api';
import type { LoginResponse, Me } from '../types';

export async function login(username: string, password: string): Promise<LoginResponse> {
  const res = await api.post<LoginResponse>(
    '/api/v1/auth/login',
    { username, password, cookie: true },
    { allowUnauthorized: true },
  );
  setCsrfToken(res.csrf_token);
  return res;
}

export async function logout(): Promise<void> {
  try {
    await api.post<void>('/api/v1/auth/logout', undefined, { allowUnauthorized: true });
  } finally {
    setCsrfToken(null);
  }
}

/** The signed-in user, or null when there is no valid session. */
export async function fetchMe(): Promise<Me | null> {
  try {
    return await api.get<Me>('/api/v1/auth/me', { allowUnauthorized: true });
  } catch (e) {
    if ((e as { status?: number }).status === 401) return null;
    throw e;
  }
}
