import { afterEach } from 'vitest';
import { clearMocks } from '@tauri-apps/api/mocks';
import { mounted } from './harness';

afterEach(() => {
  while (mounted.length) mounted.pop()!();
  clearMocks();
  document.body.innerHTML = '';
});
