import { httpStatusLabel } from './metrics-registry';

describe('httpStatusLabel', () => {
  it.each<[number | undefined, string | undefined, string]>([
    [200, undefined, '200'],
    [429, undefined, '429'],
    [503, undefined, '503'],
    [418, undefined, '4xx'],
    [599, undefined, '5xx'],
    [302, undefined, '3xx'],
    [undefined, 'timeout', 'timeout'],
    [undefined, undefined, 'no_answer'],
    // Not an HTTP status: what a store sent cannot widen the label's values.
    [0, 'network', 'network'],
    [1234, undefined, 'no_answer'],
  ])('labels status %p (failure %p) as %p', (status, failure, label) => {
    expect(httpStatusLabel(status, failure)).toBe(label);
  });
});
