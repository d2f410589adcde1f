/**
 * fetch with redirect: 'manual' that keeps cookies per origin, as a browser would across the OAuth
 * hops (our start sets a binding cookie that our callback checks). Each jar is one browser;
 * `newBrowser()` gives an attacker's or a victim's browser of its own.
 */
export type ManualFetch = (url: string, init?: RequestInit) => Promise<Response>;

export function newBrowser(): ManualFetch {
  const jars = new Map<string, Map<string, string>>();
  return async (url, init = {}) => {
    const origin = new URL(url).origin;
    const jar = jars.get(origin) ?? new Map<string, string>();
    jars.set(origin, jar);
    const headers = new Headers(init.headers);
    if (jar.size && !headers.has('cookie')) headers.set('cookie', [...jar].map(([k, v]) => `${k}=${v}`).join('; '));
    const res = await fetch(url, { ...init, headers, redirect: 'manual' });
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      const gone = value === '' || attrs.some((a) => /^\s*max-age=0\s*$/i.test(a)) || attrs.some((a) => /^\s*expires=.*1970/i.test(a));
      if (gone) jar.delete(name);
      else jar.set(name, value);
    }
    return res;
  };
}
