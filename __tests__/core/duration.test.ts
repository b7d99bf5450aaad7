import { formatDuration, formatElapsed, parseDuration } from '../../src/core/duration.js'

describe('parseDuration', () => {
  test.each<[string, number]>([
    ['90s', 90_000],
    ['30m', 1_800_000],
    ['2h', 7_200_000],
    ['1h30m', 5_400_000],
    ['1m30s', 90_000],
    ['1h2m5s', 3_725_000],
    ['500ms', 500],
    ['1s500ms', 1_500],
    ['600', 600_000],
    ['0', 0],
    ['1.5', 1_500],
    ['1.5h', 5_400_000],
    ['0.5s', 500],
    ['2.25m', 135_000],
    ['0.0004', 0],
    ['0.0005', 1],
    [' 90s ', 90_000],
    ['90S', 90_000],
    ['2H', 7_200_000],
    ['500MS', 500]
  ])('%j is %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms)
  })

  test.each([
    '',
    '   ',
    's',
    'ms',
    'abc',
    'forever',
    '-5s',
    '-5',
    '+5',
    '5 m',
    '1h 30m',
    '5d',
    '5w',
    '5sec',
    '5min',
    '5mm',
    '.5s',
    '5.s',
    '5.',
    '1e3',
    '1,5s',
    '0x10',
    'h1',
    '10s!',
    'Infinity',
    'NaN'
  ])('%j is not a duration', text => {
    expect(parseDuration(text)).toBeUndefined()
  })
})

describe('formatDuration', () => {
  test.each<[number, string]>([
    [0, '0s'],
    [400, '400ms'],
    [500, '500ms'],
    [59_400, '59s'],
    [59_500, '1m 0s'],
    [90_000, '1m 30s'],
    [3_599_000, '59m 59s'],
    [3_600_000, '1h 0m 0s'],
    [3_725_000, '1h 2m 5s'],
    [90_061_000, '25h 1m 1s'],
    [-5_000, '0s']
  ])('%d ms is %j', (ms, text) => {
    expect(formatDuration(ms)).toBe(text)
  })
})

describe('formatElapsed', () => {
  test.each<[number, string]>([
    [0, '00:00'],
    [999, '00:00'],
    [59_999, '00:59'],
    [65_000, '01:05'],
    [600_000, '10:00'],
    [3_599_999, '59:59'],
    [3_600_000, '1:00:00'],
    [3_725_000, '1:02:05'],
    [36_000_000, '10:00:00'],
    [-1_000, '00:00']
  ])('%d ms is [%s]', (ms, text) => {
    expect(formatElapsed(ms)).toBe(text)
  })
})
