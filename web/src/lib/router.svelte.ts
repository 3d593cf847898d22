// The current route, kept in step with location.hash.
import { parseHash, type Route } from './routes';

class Router {
  route: Route = $state(parseHash(typeof location === 'undefined' ? '' : location.hash));

  constructor() {
    if (typeof window !== 'undefined') {
      window.addEventListener('hashchange', () => {
        this.route = parseHash(location.hash);
      });
    }
  }

  /** Go to `href` ("#/t/acme/users"); `replace` keeps the back button from returning here. */
  go(href: string, replace = false): void {
    if (location.hash === href) return;
    if (replace) {
      history.replaceState(history.state, '', href);
      this.route = parseHash(href);
    } else {
      location.hash = href;
    }
  }
}

export const router = new Router();
