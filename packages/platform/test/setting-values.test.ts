import { describe, expect, it } from 'vitest';
import { checkInteger, checkOneOf, checkPort, checkUrl, flagProblem, SettingProblems } from '../src/config/setting-values.js';

describe('setting checks', () => {
  it.each(['0', '11', '1.5', '-1', ' 3', '1e1', 'ten', ''])('when an integer setting is %j, then it breaks the 1..10 rule', (raw) => {
    expect(checkInteger(raw, 1, 10)).toEqual({ ok: false, rule: 'must be an integer between 1 and 10' });
  });

  it('when values are within their rules, then they come back typed', () => {
    expect(checkInteger('10', 1, 10)).toEqual({ ok: true, value: 10 });
    expect(checkPort('65535')).toEqual({ ok: true, value: 65535 });
    expect(checkOneOf('json', ['pretty', 'json'] as const)).toEqual({ ok: true, value: 'json' });
    expect(checkUrl('amqps://broker:5671', ['amqp:', 'amqps:'])).toEqual({ ok: true, value: 'amqps://broker:5671' });
  });

  it('when a flag is bad, then its line names the flag, the rule and the value given', () => {
    const checked = checkPort('99999');

    expect(checked.ok ? undefined : flagProblem('--port', '99999', checked.rule)).toBe(
      '--port must be an integer port between 1 and 65535, got "99999"',
    );
  });
});

describe('SettingProblems', () => {
  it('when several variables are bad, then there is one line for each, the defaults stand in, and no URL password is shown', () => {
    const settings = new SettingProblems({ PORT: '0', LEVEL: 'loud', COUNT: '', URL: 'http://user:secret@host', GOOD_PORT: '8080' });

    expect(settings.port('PORT', 3000)).toBe(3000);
    expect(settings.oneOf('LEVEL', ['info', 'debug'], 'info')).toBe('info');
    expect(settings.integer('COUNT', 1, 5, 2)).toBe(2);
    expect(settings.url('URL', ['amqp:'])).toBeUndefined();
    expect(settings.port('GOOD_PORT', 1)).toBe(8080);
    expect(settings.problems).toEqual([
      'PORT="0" is invalid: must be an integer port between 1 and 65535',
      'LEVEL="loud" is invalid: must be one of info, debug',
      'URL="http://user:***@host" is invalid: must start with amqp://',
    ]);
  });
});
