import { DeviceApi } from './device-api';
import { DevicePage } from './device-page';

const root = document.getElementById('app');
if (root) {
  const page = new DevicePage({
    root,
    api: new DeviceApi(() => document.cookie),
    storage: window.sessionStorage,
    location: window.location,
    history: window.history,
    now: () => Date.now(),
    navigate: (path) => window.location.assign(path),
  });
  void page.start();
}
