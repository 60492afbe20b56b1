// A render error shows plain words and a Reload button: never a blank page, never a stack.
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, expect, it, vi } from 'vitest';
import { ErrorBoundary } from './ErrorBoundary';

afterEach(cleanup);

function Broken(): never {
  throw new Error('boom at Foo.render (app.js:1:2)');
}

it('replaces a crashed screen with a plain message and Reload', () => {
  const spy = vi.spyOn(console, 'error').mockImplementation(() => {});
  render(
    <ErrorBoundary>
      <Broken />
    </ErrorBoundary>,
  );
  spy.mockRestore();
  expect(screen.getByRole('alert').textContent).toMatch(/something went wrong in this window/i);
  expect(screen.getByRole('button', { name: /reload/i })).toBeTruthy();
  expect(document.body.textContent).not.toMatch(/boom|app\.js/);
});
