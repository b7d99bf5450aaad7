test('jest runs TypeScript ESM', () => { expect(1 + 1).toBe(2) })
