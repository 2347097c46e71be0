import { SigninPage } from './signin-page';

const root = document.getElementById('app');
if (root) {
  new SigninPage({
    root,
    storage: window.sessionStorage,
    origin: window.location.origin,
    now: () => Date.now(),
    navigate: (path) => window.location.replace(path),
  }).start();
}
